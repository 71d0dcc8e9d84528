using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.ExceptionServices;
using System.Threading.Channels;
using Repro.Torch;
using static Repro.Torch.torch;

namespace Repro.Data;

/// <summary>
/// ImageNet training batches streamed from an <see cref="ImageFolder"/>, epoch after epoch: each
/// epoch a shuffled order; each image decoded, given torchvision's training transform (a random
/// resized crop to size x size, flipped with probability 1/2: <see cref="ImageTransforms.Training"/>)
/// and normalized; float32 [B, 3, size, size] with int64 labels [B]; the last partial batch of an
/// epoch is dropped.
/// Each epoch's random numbers come from a Generator seeded by (seed, epoch), always in this
/// sequence: the order (a permutation of the folder), then, batch by batch, the uniforms of the
/// batch's images, drawn before decoding so that they depend on neither image sizes nor threads.
/// A stream started at step s draws (and drops) the uniforms of that epoch's earlier batches without
/// decoding them, so it yields exactly batches s, s+1, ... of the stream started at 0
/// (<see cref="IBatchStream"/>). Drawing per batch rather than per epoch keeps ImageNet's
/// 1.28 M x 41 uniforms (420 MB) out of memory.
/// Decoding is the cost (milliseconds per ImageNet JPEG), so a batch's files are decoded on
/// <see cref="Threads"/> threads, each reusing its TurboJPEG decompressor and buffers
/// (<see cref="ImageFolder.ForEachDecoded"/>), and transformed straight into the batch's floats.
/// As in <see cref="ImageBatches"/>, building ahead on a background thread is the default only when
/// the machine has cores beyond libtorch's threads (on 2 cores a producer preempts an OpenMP worker
/// and every parallel region waits for it), and the tensor is made on the caller's thread (a copy on
/// the producer would start a second OpenMP team). Training on a GPU leaves libtorch's CPU threads
/// idle: there, pass background: true and as many threads as there are cores to spare.
/// A file that cannot be decoded stops the stream: <see cref="Next"/> throws its
/// <see cref="DataFormatException"/>, naming it, on that call and every later one.
/// </summary>
public sealed class ImageFolderBatches : IBatchStream
{
    readonly ImageFolder folder;
    readonly int batchSize, size;
    readonly Normalization normalization;
    readonly ulong seed;
    readonly long startStep;
    readonly IEnumerator<Prepared> sequence;
    readonly Channel<Prepared>? queue;
    readonly CancellationTokenSource stop = new();
    readonly Task? producer;
    readonly Stopwatch waiting = new();
    // Pixel arrays of batches already copied into tensors, for the next batches: ImageNet's are
    // 154 MB each, too large to allocate per batch, and ArrayPool would round them up to 268 MB.
    readonly ConcurrentBag<float[]> spare = [];
    ExceptionDispatchInfo? failure;
    bool disposed;

    /// <summary>Time the caller spent waiting for a batch: not ready yet, or being built in place.</summary>
    public TimeSpan WaitTime => waiting.Elapsed;

    public int BatchesPerEpoch => folder.Count / batchSize;

    /// <summary>Whether batches are built ahead on a background thread.</summary>
    public bool Background => producer is not null;

    /// <summary>How many threads decode a batch.</summary>
    public int Threads { get; }

    /// <param name="size">The side of the square crops (ImageNet: 224).</param>
    /// <param name="background">Build ahead on a background thread; default: when the machine has
    /// cores that libtorch's threads leave free.</param>
    /// <param name="threads">Decoding threads; default: those spare cores when building in the
    /// background, else every core (the caller waits for the batch anyway).</param>
    /// <param name="prefetch">How many ready batches the background queue holds.</param>
    /// <param name="startStep">The step of the first batch: batch k of this stream is batch
    /// startStep + k of the stream started at 0.</param>
    public ImageFolderBatches(ImageFolder folder, int batchSize, ulong seed, Normalization normalization, int size = 224,
        bool? background = null, int? threads = null, int prefetch = 2, long startStep = 0)
    {
        if (batchSize <= 0 || batchSize > folder.Count)
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, $"batch size must be in [1, {folder.Count}] for {folder.Folder}");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        if (threads <= 0) throw new ArgumentOutOfRangeException(nameof(threads), threads, "must be >= 1");
        if (prefetch <= 0) throw new ArgumentOutOfRangeException(nameof(prefetch), prefetch, "prefetch must be >= 1");
        ArgumentOutOfRangeException.ThrowIfNegative(startStep);
        normalization.Check(3, folder.Folder);
        (this.folder, this.batchSize, this.size, this.normalization, this.seed, this.startStep) =
            (folder, batchSize, size, normalization, seed, startStep);
        int spareCores = Environment.ProcessorCount - TorchRuntime.Threads;
        bool ahead = background ?? spareCores > 0;
        Threads = threads ?? (ahead ? Math.Max(1, spareCores) : Environment.ProcessorCount);
        sequence = Sequence().GetEnumerator();
        if (ahead)
        {
            queue = Channel.CreateBounded<Prepared>(new BoundedChannelOptions(prefetch) { SingleReader = true, SingleWriter = true });
            producer = Task.Factory.StartNew(Produce, TaskCreationOptions.LongRunning);
        }
    }

    /// <summary>The next batch (epochs follow each other; the last partial batch of an epoch is dropped).</summary>
    public Batch Next()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        failure?.Throw();
        Prepared? prepared = null;
        waiting.Start();
        try
        {
            if (queue is null)
            {
                sequence.MoveNext();
                prepared = sequence.Current;
            }
            else if (!queue.Reader.TryRead(out prepared))
                prepared = queue.Reader.ReadAsync().AsTask().GetAwaiter().GetResult();
        }
        catch (Exception e)
        {
            // The stream cannot go past a failure (an iterator that threw is finished; so is a
            // failed producer), so it is kept for later calls, and thrown as the producer threw it.
            failure = ExceptionDispatchInfo.Capture(e is ChannelClosedException { InnerException: { } inner } ? inner : e);
        }
        finally
        {
            waiting.Stop();
        }
        failure?.Throw();
        return ToBatch(prepared!);
    }

    /// <summary>Every batch of every epoch from <see cref="startStep"/> on, in order (endless).</summary>
    IEnumerable<Prepared> Sequence()
    {
        for (long epoch = startStep / BatchesPerEpoch, skip = startStep % BatchesPerEpoch; ; epoch++, skip = 0)
        {
            using var generator = new Generator(EpochSeed.Of(seed, epoch));
            int[] order;
            using (var perm = randperm(folder.Count, generator)) order = Array.ConvertAll(perm.ToArray<long>(), i => (int)i);
            for (int b = 0; b < BatchesPerEpoch; b++)
            {
                // Drawn for skipped batches too: batch b's uniforms are the generator's (b+1)-th draw.
                double[] uniforms = ImageTransforms.DrawUniforms(batchSize, generator);
                if (b >= skip) yield return Build(new ArraySegment<int>(order, b * batchSize, batchSize), uniforms);
            }
        }
    }

    /// <summary>The images at <paramref name="indices"/>, each transformed by its share of
    /// <paramref name="uniforms"/> and normalized into the batch's floats.</summary>
    Prepared Build(ArraySegment<int> indices, double[] uniforms)
    {
        const int U = ImageTransforms.UniformsPerImage;
        int pixels = 3 * size * size;
        if (!spare.TryTake(out var floats)) floats = GC.AllocateUninitializedArray<float>(batchSize * pixels);
        try
        {
            folder.ForEachDecoded(indices, (image, i) =>
                ImageTransforms.Normalize(ImageTransforms.Training(image, uniforms.AsSpan(i * U, U), size), floats.AsSpan(i * pixels, pixels), normalization),
                Threads);
        }
        catch
        {
            spare.Add(floats);
            throw;
        }
        return new Prepared(floats, indices.Select(i => (long)folder.Labels[i]).ToArray());
    }

    /// <summary>A batch as arrays, before it becomes tensors on the consumer's thread.</summary>
    sealed record Prepared(float[] Pixels, long[] Labels);

    Batch ToBatch(Prepared prepared)
    {
        try
        {
            var labels = tensor(prepared.Labels, [batchSize]);
            try
            {
                return new Batch(tensor(prepared.Pixels, [batchSize, 3, size, size]), labels);
            }
            catch
            {
                labels.Dispose();
                throw;
            }
        }
        finally
        {
            spare.Add(prepared.Pixels);
        }
    }

    /// <summary>
    /// The whole folder in its listed order (class by class), in batches of
    /// <paramref name="batchSize"/>, the last one partial: evaluation batches, each image resized
    /// (short side to <paramref name="resize"/>) and center-cropped to <paramref name="crop"/>
    /// (<see cref="ImageTransforms.Evaluation"/>), decoded on every core. The caller disposes each.
    /// </summary>
    public static IEnumerable<Batch> InOrder(ImageFolder folder, int batchSize, Normalization normalization, int resize = 256, int crop = 224)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(crop);
        if (resize < crop) throw new ArgumentOutOfRangeException(nameof(resize), resize, $"must be >= crop ({crop}): the crop is taken from the resized image");
        normalization.Check(3, folder.Folder);
        return Batches();

        // Checked above, when called, rather than at the first batch.
        IEnumerable<Batch> Batches()
        {
            for (int first = 0; first < folder.Count; first += batchSize)
            {
                int[] indices = Enumerable.Range(first, Math.Min(batchSize, folder.Count - first)).ToArray();
                yield return folder.LoadBatch(indices, (image, _) => ImageTransforms.Evaluation(image, resize, crop), normalization, Environment.ProcessorCount);
            }
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

    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        stop.Cancel();
        try { producer?.Wait(); } catch (AggregateException) { }
        sequence.Dispose();
        stop.Dispose();
        spare.Clear();
    }
}
