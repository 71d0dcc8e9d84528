using Repro.Torch;
using static Repro.Torch.torch;

namespace Repro.Data;

/// <summary>
/// Mini-batches of a data set held as tensors (inputs [N, ...], labels [N]), such as
/// <see cref="LinearTeacher"/>'s, epoch after epoch; the last partial batch of an epoch is
/// dropped. Shuffled: each epoch's order is a permutation drawn from a Generator seeded by
/// (seed, epoch), so a stream can start at any step (<see cref="IBatchStream"/>). Not shuffled:
/// the stored order every epoch (batch size N is full-batch gradient descent, THEORY.md's setting).
/// The tensors stay the caller's; batches are copies.
/// </summary>
public sealed class TensorBatches : IBatchStream
{
    readonly Tensor inputs, labels;
    readonly EpochOrder order;

    public int BatchesPerEpoch => order.BatchesPerEpoch;

    /// <param name="startStep">The step of the first batch: batch k of this stream is batch
    /// startStep + k of the stream started at 0.</param>
    public TensorBatches(Tensor inputs, Tensor labels, int batchSize, ulong seed, long startStep = 0, bool shuffle = true)
    {
        int count = (int)inputs.shape[0];
        if (labels.shape.Length != 1 || labels.shape[0] != count)
            throw new ArgumentException($"labels have shape [{string.Join(", ", labels.shape)}]; expected [{count}] (one per input)", nameof(labels));
        if (batchSize <= 0 || batchSize > count)
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, $"batch size must be in [1, {count}] (the number of examples)");
        ArgumentOutOfRangeException.ThrowIfNegative(startStep);
        (this.inputs, this.labels) = (inputs, labels);
        order = new EpochOrder(count, batchSize, seed, startStep, shuffle);
    }

    public Batch Next()
    {
        var next = order.Next();
        using var onCpu = tensor(next, [next.Length]);
        using var indices = onCpu.to(inputs.device);
        return new Batch(inputs.index_select(0, indices), labels.index_select(0, indices));
    }

    /// <summary>The whole set in its stored order, in batches of <paramref name="batchSize"/>,
    /// the last one partial: evaluation batches. The caller disposes each.</summary>
    public static IEnumerable<Batch> InOrder(Tensor inputs, Tensor labels, int batchSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        long n = inputs.shape[0];
        for (long first = 0; first < n; first += batchSize)
        {
            long size = Math.Min(batchSize, n - first);
            Batch batch;
            using (var x = inputs.narrow(0, first, size))
            using (var y = labels.narrow(0, first, size))
                batch = new Batch(x.clone(), y.clone());
            yield return batch;
        }
    }

    public void Dispose() { }
}
