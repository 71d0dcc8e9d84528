using System.Buffers;
using System.Diagnostics;
using System.Threading.Channels;
using Repro.Torch;
using static Repro.Torch.torch;

namespace Repro.Data;

/// <summary>One mini-batch: float32 images [B, C, H, W] and int64 labels [B]. The consumer owns
/// and disposes it.</summary>
public sealed class Batch(Tensor images, Tensor labels) : IDisposable
{
    public Tensor Images { get; } = images;
    public Tensor Labels { get; } = labels;

    public void Dispose()
    {
        Images.Dispose();
        Labels.Dispose();
    }
}

/// <summary>
/// Shuffled mini-batches of an ImageSet, epoch after epoch. Every random choice (the order of
/// each epoch, crops and flips) is drawn from one Generator in a fixed order, so the seed fixes
/// every batch, whether batches are built ahead on a background thread into a bounded queue
/// (loading overlaps training) or on the caller's thread when it asks.
/// Background building pays only with a spare core: on 2 cores with libtorch using both, a
/// producer thread preempts an OpenMP worker and every parallel region waits for it. So the
/// default is background exactly when the machine has more cores than libtorch's threads
/// (bench/ pipeline measures both; with the one-pass crop and normalize, a CIFAR batch of 128
/// costs ~1.3 ms, ~3% of a small CNN's step).
/// The producer fills pooled arrays and the caller turns them into tensors: a tensor copy on the
/// producer thread would start a second OpenMP team of spinning threads (steps were 1.6x slower),
/// and fresh 1.5 MB arrays per batch would churn the large-object heap.
/// </summary>
public sealed class ImageBatches : IDisposable
{
    readonly ImageSet set;
    readonly int batchSize;
    readonly bool augment;
    readonly Normalization normalization;
    readonly Generator generator;
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
    public ImageBatches(ImageSet set, int batchSize, ulong seed, Normalization normalization, bool augment,
        bool? background = null, int prefetch = 4)
    {
        if (batchSize <= 0 || batchSize > set.Count)
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, $"batch size must be in [1, {set.Count}] for {set.Source}");
        if (prefetch <= 0) throw new ArgumentOutOfRangeException(nameof(prefetch), prefetch, "prefetch must be >= 1");
        normalization.Check(set.Channels, set.Source);
        (this.set, this.batchSize, this.augment, this.normalization) = (set, batchSize, augment, normalization);
        generator = new Generator(seed);
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

    /// <summary>Every batch of every epoch, in order (endless).</summary>
    IEnumerable<Prepared> Sequence()
    {
        while (true)
        {
            long[] order;
            using (var perm = randperm(set.Count, generator)) order = perm.ToArray<long>();
            for (int b = 0; b + batchSize <= order.Length; b += batchSize)
                yield return Build(order.AsSpan(b, batchSize));
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

    Prepared Build(ReadOnlySpan<long> indices)
    {
        int n = indices.Length, size = set.ImageSize;
        var choices = augment ? DrawChoices(n) : null;
        var pixels = ArrayPool<float>.Shared.Rent(n * size);
        var labels = ArrayPool<long>.Shared.Rent(n);
        for (int i = 0; i < n; i++)
        {
            int index = (int)indices[i];
            var target = pixels.AsSpan(i * size, size);
            if (choices is not null)
                CropAndFlip.Apply(set.Image(index), target, set.Channels, set.Height, set.Width, choices[i], normalization);
            else
                normalization.Apply(set.Image(index), target, set.Channels);
            labels[i] = set.Labels[index];
        }
        return new Prepared(pixels, labels, n);
    }

    CropAndFlip.Choice[] DrawChoices(int n)
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
        generator.Dispose();
        stop.Dispose();
    }
}
