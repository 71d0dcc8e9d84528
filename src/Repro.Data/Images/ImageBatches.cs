using System.Buffers;
using System.Diagnostics;
using System.Threading.Channels;
using Repro.Torch;
using static Repro.Torch.torch;

namespace Repro.Data;

/// <summary>
/// Shuffled mini-batches of an ImageSet, epoch after epoch. Each epoch's random choices (its
/// order, then every image's crop and flip, in order) are drawn from a Generator seeded by
/// (seed, epoch), so the seed fixes every batch, whether batches are built ahead on a background
/// thread into a bounded queue (loading overlaps training) or on the caller's thread when it
/// asks, and a stream can start at any step (<see cref="IBatchStream"/>): it draws that epoch's
/// choices and skips the batches before the step without building them.
/// Background building pays only with a spare core: on 2 cores with libtorch using both, a
/// producer thread preempts an OpenMP worker and every parallel region waits for it. So the
/// default is background exactly when the machine has more cores than libtorch's threads
/// (bench/ pipeline measures both; with the one-pass crop and normalize, a CIFAR batch of 128
/// costs ~1.3 ms, ~3% of a small CNN's step).
/// The producer fills pooled arrays and the caller turns them into tensors: a tensor copy on the
/// producer thread would start a second OpenMP team of spinning threads (steps were 1.6x slower),
/// and fresh 1.5 MB arrays per batch would churn the large-object heap.
/// </summary>
public sealed class ImageBatches : IBatchStream
{
    readonly ImageSet set;
    readonly int batchSize;
    readonly bool augment;
    readonly Normalization normalization;
    readonly ulong seed;
    readonly long startStep;
    readonly IEnumerator<Prepared> sequence;
    readonly Channel<Prepared>? queue;
    readonly CancellationTokenSource stop = new();
    readonly Task? producer;
    readonly Stopwatch waiting = new();
    bool disposed;

    /// <summary>Time the caller spent waiting for a batch: not ready yet, or being built in place.</summary>
    public TimeSpan WaitTime => waiting.Elapsed;

    public int BatchesPerEpoch => set.Count / batchSize;

    /// <summary>Whether batches are built ahead on a background thread.</summary>
    public bool Background => producer is not null;

    /// <param name="background">Build ahead on a background thread; default: when the machine has
    /// a core that libtorch's threads leave free.</param>
    /// <param name="prefetch">How many ready batches the background queue holds.</param>
    /// <param name="startStep">The step of the first batch: batch k of this stream is batch
    /// startStep + k of the stream started at 0.</param>
    public ImageBatches(ImageSet set, int batchSize, ulong seed, Normalization normalization, bool augment,
        bool? background = null, int prefetch = 4, long startStep = 0)
    {
        if (batchSize <= 0 || batchSize > set.Count)
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, $"batch size must be in [1, {set.Count}] for {set.Source}");
        if (prefetch <= 0) throw new ArgumentOutOfRangeException(nameof(prefetch), prefetch, "prefetch must be >= 1");
        ArgumentOutOfRangeException.ThrowIfNegative(startStep);
        normalization.Check(set.Channels, set.Source);
        (this.set, this.batchSize, this.augment, this.normalization, this.seed, this.startStep) =
            (set, batchSize, augment, normalization, seed, startStep);
        sequence = Sequence().GetEnumerator();
        if (background ?? Environment.ProcessorCount > TorchRuntime.Threads)
        {
            queue = Channel.CreateBounded<Prepared>(new BoundedChannelOptions(prefetch) { SingleReader = true, SingleWriter = true });
            producer = Task.Factory.StartNew(Produce, TaskCreationOptions.LongRunning);
        }
    }

    /// <summary>The next batch (epochs follow each other; the last partial batch of an epoch is dropped).</summary>
    public Batch Next()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        Prepared? prepared = null;
        if (queue is not null && queue.Reader.TryRead(out prepared)) return prepared.ToBatch(set);
        waiting.Start();
        try
        {
            if (queue is null)
            {
                sequence.MoveNext();
                prepared = sequence.Current;
            }
            else
                prepared = queue.Reader.ReadAsync().AsTask().GetAwaiter().GetResult();
        }
        catch (ChannelClosedException e) when (e.InnerException is not null)
        {
            throw new InvalidOperationException($"batch loader for {set.Source} failed: {e.InnerException.Message}", e.InnerException);
        }
        finally
        {
            waiting.Stop();
        }
        return prepared.ToBatch(set);
    }

    /// <summary>Every batch of every epoch from <see cref="startStep"/> on, in order (endless).</summary>
    IEnumerable<Prepared> Sequence()
    {
        for (long epoch = startStep / BatchesPerEpoch, skip = startStep % BatchesPerEpoch; ; epoch++, skip = 0)
        {
            var (order, choices) = DrawEpoch(epoch);
            for (long b = skip; b < BatchesPerEpoch; b++)
            {
                int first = (int)b * batchSize;
                yield return Build(set, order.AsSpan(first, batchSize), augment ? choices.AsSpan(first, batchSize) : [], normalization);
            }
        }
    }

    /// <summary>The epoch's order and, when augmenting, the crop and flip of each image it uses
    /// (the partial batch at its end is dropped).</summary>
    (long[] order, CropAndFlip.Choice[] choices) DrawEpoch(long epoch)
    {
        using var generator = new Generator(EpochSeed.Of(seed, epoch));
        long[] order;
        using (var perm = randperm(set.Count, generator)) order = perm.ToArray<long>();
        return (order, augment ? DrawChoices(BatchesPerEpoch * batchSize, generator) : []);
    }

    /// <summary>
    /// The whole set in its stored order, in batches of <paramref name="batchSize"/>, the last
    /// one partial: evaluation batches (no shuffling, no augmentation). The caller disposes each.
    /// </summary>
    public static IEnumerable<Batch> InOrder(ImageSet set, int batchSize, Normalization normalization)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        normalization.Check(set.Channels, set.Source);
        for (int first = 0; first < set.Count; first += batchSize)
        {
            long[] indices = Enumerable.Range(first, Math.Min(batchSize, set.Count - first)).Select(i => (long)i).ToArray();
            yield return Build(set, indices, [], normalization).ToBatch(set);
        }
    }

    void Produce()
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                sequence.MoveNext();
                var batch = sequence.Current;
                try
                {
                    queue!.Writer.WriteAsync(batch, stop.Token).AsTask().GetAwaiter().GetResult();
                }
                catch (OperationCanceledException)
                {
                    batch.Return();
                    return;
                }
            }
        }
        catch (Exception e)
        {
            queue!.Writer.TryComplete(e);
            return;
        }
        queue!.Writer.TryComplete();
    }

    /// <summary>A batch as pooled arrays, before it becomes tensors on the consumer's thread.</summary>
    sealed record Prepared(float[] Pixels, long[] Labels, int Count)
    {
        public Batch ToBatch(ImageSet set)
        {
            try
            {
                return new Batch(
                    tensor<float>(Pixels.AsSpan(0, Count * set.ImageSize), [Count, set.Channels, set.Height, set.Width]),
                    tensor<long>(Labels.AsSpan(0, Count), [Count]));
            }
            finally
            {
                Return();
            }
        }

        public void Return()
        {
            ArrayPool<float>.Shared.Return(Pixels);
            ArrayPool<long>.Shared.Return(Labels);
        }
    }

    /// <summary>The images at <paramref name="indices"/>, cropped and flipped by
    /// <paramref name="choices"/> (one per image; none: not augmented), normalized.</summary>
    static Prepared Build(ImageSet set, ReadOnlySpan<long> indices, ReadOnlySpan<CropAndFlip.Choice> choices, Normalization normalization)
    {
        int n = indices.Length, size = set.ImageSize;
        var pixels = ArrayPool<float>.Shared.Rent(n * size);
        var labels = ArrayPool<long>.Shared.Rent(n);
        for (int i = 0; i < n; i++)
        {
            int index = (int)indices[i];
            var target = pixels.AsSpan(i * size, size);
            if (choices.Length > 0)
                CropAndFlip.Apply(set.Image(index), target, set.Channels, set.Height, set.Width, choices[i], normalization);
            else
                normalization.Apply(set.Image(index), target, set.Channels);
            labels[i] = set.Labels[index];
        }
        return new Prepared(pixels, labels, n);
    }

    static CropAndFlip.Choice[] DrawChoices(int n, Generator generator)
    {
        using var offsets = randint(0, 2 * CropAndFlip.Padding + 1, [n, 2], generator);
        using var flips = randint(0, 2, [n], generator);
        long[] o = offsets.ToArray<long>(), f = flips.ToArray<long>();
        return Enumerable.Range(0, n).Select(i => new CropAndFlip.Choice((int)o[2 * i], (int)o[2 * i + 1], f[i] == 1)).ToArray();
    }

    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        stop.Cancel();
        try { producer?.Wait(); } catch (AggregateException) { }
        if (queue is not null)
            while (queue.Reader.TryRead(out var left)) left.Return();
        sequence.Dispose();
        stop.Dispose();
    }
}
