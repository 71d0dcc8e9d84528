namespace Repro.Data;

/// <summary>
/// Training batches, one per step, endless (epoch after epoch). A stream is built to start at a
/// given step and then yields exactly the batches that a stream started at step 0 yields from that
/// step on: each epoch's order (and augmentation) is drawn from its own seed
/// (<see cref="EpochSeed"/>), so starting at step s costs one epoch's draws, not s batches. This is
/// what lets a run resumed from a checkpoint see the batches the uninterrupted run saw.
/// </summary>
public interface IBatchStream : IDisposable
{
    /// <summary>The next batch; the caller owns and disposes it.</summary>
    Batch Next();
}
