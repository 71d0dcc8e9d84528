using Repro.Torch;
using static Repro.Torch.torch;

namespace Repro.Data;

/// <summary>
/// Which examples each batch of a stream takes, epoch after epoch: each epoch a permutation drawn
/// from a Generator seeded by (seed, epoch) (or the stored order, unshuffled), cut into batches,
/// the last partial one dropped. It can start at any step, since an epoch's order needs no
/// earlier epoch (<see cref="IBatchStream"/>). The streams whose epochs draw only an order share it.
/// </summary>
sealed class EpochOrder
{
    readonly int count, batchSize;
    readonly ulong seed;
    readonly bool shuffle;
    long epoch;
    long[] order;
    int nextInEpoch;

    public int BatchesPerEpoch => count / batchSize;

    /// <param name="startStep">The step of the first batch: batch k is batch startStep + k of the order started at 0.</param>
    public EpochOrder(int count, int batchSize, ulong seed, long startStep, bool shuffle = true)
    {
        (this.count, this.batchSize, this.seed, this.shuffle) = (count, batchSize, seed, shuffle);
        epoch = startStep / BatchesPerEpoch;
        nextInEpoch = (int)(startStep % BatchesPerEpoch);
        order = Order(epoch);
    }

    /// <summary>The indices of the next batch's examples.</summary>
    public ReadOnlySpan<long> Next()
    {
        if (nextInEpoch == BatchesPerEpoch)
        {
            epoch++;
            nextInEpoch = 0;
            order = Order(epoch);
        }
        return order.AsSpan(nextInEpoch++ * batchSize, batchSize);
    }

    long[] Order(long epoch)
    {
        if (!shuffle) return Enumerable.Range(0, count).Select(i => (long)i).ToArray();
        using var generator = new Generator(EpochSeed.Of(seed, epoch));
        using var perm = randperm(count, generator);
        return perm.ToArray<long>();
    }
}
