using Repro.Data;

namespace Repro.Training;

/// <summary>What a <see cref="Trainer"/> reads.</summary>
/// <param name="Train">Training batches from a given step on: the stream started at step s yields
/// the batches s, s+1, ... of the stream started at 0 (<see cref="IBatchStream"/>), so a resumed
/// run sees the batches the uninterrupted run saw.</param>
/// <param name="Validation">The validation split: a fixed part of the training data held out from
/// training (<see cref="Holdout"/>), in fixed-size batches as <paramref name="Test"/>. Selection
/// (best learning rate, best beta) and the post-hoc temperature T* read it, never the test split.</param>
/// <param name="Test">The test split in fixed-size batches, every example once, not augmented; a
/// fresh enumeration per evaluation (ImageBatches.InOrder, TextBatches.InOrder, TensorBatches.InOrder).</param>
/// <param name="Probe">THEORY.md's probe batch: fixed for the cell (not augmented), the same for a
/// resumed run. The caller owns it; the trainer copies it to the device.</param>
public sealed record TrainingData(Func<long, IBatchStream> Train, Func<IEnumerable<Batch>> Validation, Func<IEnumerable<Batch>> Test, Batch Probe);
