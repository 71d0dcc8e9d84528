using Repro.Torch;
using static Repro.Torch.torch;

namespace Repro.Data.Tests.Sets;

/// <summary>A stream started at step s yields batches s, s+1, ... of the stream started at 0 (what a
/// resumed run relies on), and evaluation iterates the whole set once, in order.</summary>
public class BatchStreamTests
{
    /// <summary>Batches [from, to) of a stream, as (inputs, labels) arrays.</summary>
    internal static List<(T[] inputs, long[] labels)> Take<T>(IBatchStream stream, int count) where T : unmanaged
    {
        var batches = new List<(T[], long[])>();
        for (int i = 0; i < count; i++)
        {
            using var b = stream.Next();
            batches.Add((b.Inputs.ToArray<T>(), b.Labels.ToArray<long>()));
        }
        return batches;
    }

    internal static void AssertStartsAnywhere<T>(Func<long, IBatchStream> startingAt, int batchesPerEpoch) where T : unmanaged
    {
        int total = 2 * batchesPerEpoch + 3;
        List<(T[] inputs, long[] labels)> all;
        using (var fromZero = startingAt(0)) all = Take<T>(fromZero, total);
        foreach (long start in new long[] { 1, batchesPerEpoch - 1, batchesPerEpoch, batchesPerEpoch + 2, 2 * batchesPerEpoch + 1 })
        {
            using var resumed = startingAt(start);
            var rest = Take<T>(resumed, total - (int)start);
            for (int i = 0; i < rest.Count; i++)
            {
                Assert.That(rest[i].inputs, Is.EqualTo(all[(int)start + i].inputs), $"inputs of step {start + i}, stream started at {start}");
                Assert.That(rest[i].labels, Is.EqualTo(all[(int)start + i].labels), $"labels of step {start + i}, stream started at {start}");
            }
        }
        Assert.That(all[batchesPerEpoch].labels, Is.Not.EqualTo(all[0].labels), "each epoch has its own order");
    }

    [TestCase(true)]
    [TestCase(false)]
    public void ImageBatchesStartAtAnyStep(bool background)
    {
        var set = SyntheticImages.Generate(50, seed: 2, size: 8);  // 50 / 8: 6 batches per epoch, 2 images dropped
        AssertStartsAnywhere<float>(s => new ImageBatches(set, 8, seed: 5, Normalization.Cifar10, augment: true, background, startStep: s), 6);
    }

    [Test]
    public void TensorBatchesStartAtAnyStep()
    {
        var (x, y) = LinearTeacher.Sample(30, 3, 4, seed: 1);
        using (x)
        using (y)
            AssertStartsAnywhere<double>(s => new TensorBatches(x, y, 7, seed: 9, startStep: s), 4);
    }

    [Test]
    public void UnshuffledTensorBatchesRepeatTheStoredOrder()
    {
        var (x, y) = LinearTeacher.Sample(12, 3, 4, seed: 1);
        using var _ = x;
        using var __ = y;
        using var stream = new TensorBatches(x, y, 12, seed: 0, startStep: 5, shuffle: false);
        using var batch = stream.Next();
        Assert.That(batch.Inputs.ToArray<double>(), Is.EqualTo(x.ToArray<double>()));
        Assert.That(batch.Labels.ToArray<long>(), Is.EqualTo(y.ToArray<long>()));
    }

    [Test]
    public void ImagesInOrderCoverTheSetOnceWithAPartialLastBatch()
    {
        var set = SyntheticImages.Generate(21, seed: 3, size: 8);
        var labels = new List<long>();
        var sizes = new List<long>();
        float[]? first = null;
        foreach (var batch in ImageBatches.InOrder(set, 8, Normalization.Cifar10))
            using (batch)
            {
                sizes.Add(batch.Inputs.shape[0]);
                first ??= batch.Inputs.ToArray<float>()[..set.ImageSize];
                labels.AddRange(batch.Labels.ToArray<long>());
            }
        Assert.That(sizes, Is.EqualTo(new long[] { 8, 8, 5 }));
        Assert.That(labels, Is.EqualTo(set.Labels.Select(l => (long)l)));
        var expected = new float[set.ImageSize];
        Normalization.Cifar10.Apply(set.Image(0), expected, set.Channels);
        Assert.That(first, Is.EqualTo(expected), "not augmented");
    }

    [Test]
    public void TensorsInOrderCoverTheSetOnce()
    {
        var (x, y) = LinearTeacher.Sample(10, 2, 3, seed: 4);
        using var _ = x;
        using var __ = y;
        var seen = TensorBatches.InOrder(x, y, 4).Select(b => { using (b) return b.Labels.ToArray<long>(); }).ToList();
        Assert.That(seen.Select(s => s.Length), Is.EqualTo(new[] { 4, 4, 2 }));
        Assert.That(seen.SelectMany(s => s), Is.EqualTo(y.ToArray<long>()));
    }

    [Test]
    public void EpochSeedsDifferAcrossSeedsAndEpochs()
    {
        var seeds = new HashSet<ulong>();
        for (ulong s = 0; s < 20; s++)
            for (long e = 0; e < 50; e++)
                seeds.Add(EpochSeed.Of(s, e));
        Assert.That(seeds, Has.Count.EqualTo(1000));
        Assert.That(seeds.Max(), Is.LessThanOrEqualTo((ulong)uint.MaxValue), "libtorch's generator keeps 32 bits");
    }
}
