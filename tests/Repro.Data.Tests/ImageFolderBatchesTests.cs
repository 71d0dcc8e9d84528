using Repro.Data.Tests.Sets;
using Repro.Torch;
using static Repro.Torch.torch;

namespace Repro.Data.Tests;

/// <summary>ImageNet-style training batches from class folders of JPEGs: the documented random
/// draws, start at any step, the same batches whatever the threads, evaluation batches in order,
/// and a damaged file stops the stream naming it.</summary>
public class ImageFolderBatchesTests
{
    const int U = ImageTransforms.UniformsPerImage;
    static readonly string[] Classes = ["n00", "n01", "n02"];

    /// <summary>train/ with 3 classes of 5 JPEGs each, encoded here, of different sizes and
    /// contents: small, so that a test decodes hundreds of them in milliseconds.</summary>
    static ImageFolder SmallFolder(TempFolder dir)
    {
        var random = new Random(7);
        for (int c = 0; c < Classes.Length; c++)
        {
            string folder = Path.Combine(dir.Path, "train", Classes[c]);
            Directory.CreateDirectory(folder);
            for (int k = 0; k < 5; k++)
            {
                int width = 40 + 9 * k + c, height = 30 + 7 * ((k + c) % 4);
                var pixels = new byte[width * height * 3];
                for (int i = 0; i < pixels.Length; i++) pixels[i] = (byte)(i / 3 % width * 3 + 60 * c + random.Next(40));
                File.WriteAllBytes(Path.Combine(folder, $"{c}_{k}.JPEG"), Jpeg.Encode(pixels, width, height, quality: 90));
            }
        }
        return new ImageFolder(dir.Path, "train");
    }

    /// <summary>The label a file should have: its class folder's position among <see cref="Classes"/>.</summary>
    static long ClassOf(string file) => Array.IndexOf(Classes, Path.GetFileName(Path.GetDirectoryName(file)));

    /// <summary>Epoch <paramref name="epoch"/>'s batches as the class documents its draws: a
    /// Generator seeded by (seed, epoch) gives the order, then each batch's uniforms in turn;
    /// each image is decoded, transformed and normalized here, one by one.</summary>
    static List<(float[] inputs, long[] labels)> DocumentedEpoch(ImageFolder folder, int batchSize, int size, ulong seed, long epoch)
    {
        using var g = new Generator(EpochSeed.Of(seed, epoch));
        long[] order;
        using (var perm = randperm(folder.Count, g)) order = perm.ToArray<long>();
        int pixels = 3 * size * size;
        var batches = new List<(float[], long[])>();
        for (int b = 0; b < folder.Count / batchSize; b++)
        {
            double[] u = ImageTransforms.DrawUniforms(batchSize, g);
            var (inputs, labels) = (new float[batchSize * pixels], new long[batchSize]);
            for (int i = 0; i < batchSize; i++)
            {
                string file = folder.Files[(int)order[b * batchSize + i]];
                var image = ImageTransforms.Training(Jpeg.Read(file), u.AsSpan(i * U, U), size);
                ImageTransforms.Normalize(image, inputs.AsSpan(i * pixels, pixels), Normalization.ImageNet);
                labels[i] = ClassOf(file);
            }
            batches.Add((inputs, labels));
        }
        return batches;
    }

    static void AssertDocumentedDraws(ImageFolder folder, int batchSize, int size, bool background)
    {
        const ulong seed = 3;
        var expected = DocumentedEpoch(folder, batchSize, size, seed, 0).Concat(DocumentedEpoch(folder, batchSize, size, seed, 1)).ToList();
        using var stream = new ImageFolderBatches(folder, batchSize, seed, Normalization.ImageNet, size, background, threads: 2);
        Assert.That(stream.BatchesPerEpoch, Is.EqualTo(folder.Count / batchSize));
        for (int step = 0; step < expected.Count; step++)
        {
            using var batch = stream.Next();
            Assert.That(batch.Inputs.shape, Is.EqualTo(new long[] { batchSize, 3, size, size }));
            Assert.That((batch.Inputs.dtype, batch.Labels.dtype), Is.EqualTo((ScalarType.Float32, ScalarType.Int64)));
            Assert.That(batch.Labels.shape, Is.EqualTo(new long[] { batchSize }));
            // Epoch 1 starts after BatchesPerEpoch batches: the partial batch left over is dropped.
            Assert.That(batch.Labels.ToArray<long>(), Is.EqualTo(expected[step].labels), $"labels of step {step}");
            Assert.That(batch.Inputs.ToArray<float>(), Is.EqualTo(expected[step].inputs), $"images of step {step}");
        }
    }

    [TestCase(false)]
    [TestCase(true)]
    public void BatchesAreTheDocumentedDrawsOfEachEpoch(bool background)
    {
        using var dir = new TempFolder();
        AssertDocumentedDraws(SmallFolder(dir), batchSize: 4, size: 32, background);  // 15 images: 3 batches an epoch, 3 dropped
    }

    [Test]
    public void RealJpegsGoThroughTheSamePipeline()
    {
        using var dir = new TempFolder();
        foreach (var (folder, file, sample) in new[] { ("n00", "a.JPEG", "rocket.jpg"), ("n00", "b.JPEG", "retina.jpg"), ("n02", "c.JPEG", "hubble_deep_field.jpg") })
        {
            Directory.CreateDirectory(Path.Combine(dir.Path, "train", folder));
            File.Copy(Path.Combine(JpegTests.Samples, sample), Path.Combine(dir.Path, "train", folder, file));
        }
        Directory.CreateDirectory(Path.Combine(dir.Path, "train", "n01"));
        File.Copy(Path.Combine(JpegTests.Samples, "rocket.jpg"), Path.Combine(dir.Path, "train", "n01", "d.JPEG"));
        AssertDocumentedDraws(new ImageFolder(dir.Path, "train"), batchSize: 2, size: 64, background: false);
    }

    [TestCase(false)]
    [TestCase(true)]
    public void AStreamStartsAtAnyStep(bool background)
    {
        using var dir = new TempFolder();
        var folder = SmallFolder(dir);
        BatchStreamTests.AssertStartsAnywhere<float>(
            s => new ImageFolderBatches(folder, 4, seed: 5, Normalization.ImageNet, size: 16, background, threads: 2, startStep: s), 3);
    }

    [Test]
    public void TheSeedFixesTheBatchesWhateverTheThreadsAndTheMode()
    {
        using var dir = new TempFolder();
        var folder = SmallFolder(dir);
        List<(float[] inputs, long[] labels)> Take(ulong seed, bool background, int threads)
        {
            using var stream = new ImageFolderBatches(folder, 5, seed, Normalization.ImageNet, size: 24, background, threads);
            Assert.That((stream.Background, stream.Threads), Is.EqualTo((background, threads)));
            return BatchStreamTests.Take<float>(stream, 4);
        }
        var one = Take(1, background: false, threads: 1);
        var two = Take(1, background: true, threads: 2);
        for (int step = 0; step < one.Count; step++)
        {
            Assert.That(two[step].inputs, Is.EqualTo(one[step].inputs), $"images of step {step}");
            Assert.That(two[step].labels, Is.EqualTo(one[step].labels), $"labels of step {step}");
        }
        var other = Take(2, background: false, threads: 2);
        Assert.That(other[0].inputs, Is.Not.EqualTo(one[0].inputs), "another seed, other batches");
    }

    [Test]
    public void EvaluationBatchesHoldEveryImageOnceInOrderWithAPartialLastBatch()
    {
        using var dir = new TempFolder();
        var folder = SmallFolder(dir);
        const int resize = 36, crop = 32, pixels = 3 * crop * crop;
        var sizes = new List<long>();
        var labels = new List<long>();
        var inputs = new List<float>();
        foreach (var batch in ImageFolderBatches.InOrder(folder, 4, Normalization.ImageNet, resize, crop))
            using (batch)
            {
                Assert.That(batch.Inputs.shape[1..], Is.EqualTo(new long[] { 3, crop, crop }));
                sizes.Add(batch.Inputs.shape[0]);
                labels.AddRange(batch.Labels.ToArray<long>());
                inputs.AddRange(batch.Inputs.ToArray<float>());
            }
        Assert.That(sizes, Is.EqualTo(new long[] { 4, 4, 4, 3 }));
        Assert.That(labels, Is.EqualTo(folder.Files.Select(ClassOf)));
        var expected = new float[folder.Count * pixels];
        for (int i = 0; i < folder.Count; i++)
            ImageTransforms.Normalize(ImageTransforms.Evaluation(Jpeg.Read(folder.Files[i]), resize, crop), expected.AsSpan(i * pixels, pixels), Normalization.ImageNet);
        Assert.That(inputs, Is.EqualTo(expected), "resized, center-cropped, not augmented");
    }

    [TestCase(false)]
    [TestCase(true)]
    public void ATruncatedJpegStopsTheStreamNamingTheFile(bool background)
    {
        using var dir = new TempFolder();
        SmallFolder(dir);
        string truncated = Path.Combine(dir.Path, "train", "n01", "1_9.JPEG");
        File.Copy(Path.Combine(JpegTests.Samples, "truncated.jpg"), truncated);
        var folder = new ImageFolder(dir.Path, "train");
        // Every batch holds every image, the truncated one too.
        using var stream = new ImageFolderBatches(folder, folder.Count, seed: 1, Normalization.ImageNet, size: 16, background, threads: 2);
        for (int call = 0; call < 2; call++)
        {
            var e = Assert.Throws<DataFormatException>(() => stream.Next().Dispose(), $"call {call}");
            Assert.That(e!.Path, Is.EqualTo(truncated));
            Assert.That(e.Message, Does.StartWith(truncated + ": ").And.Contains("libjpeg"));
        }
        Assert.That(() => ImageFolderBatches.InOrder(folder, 4, Normalization.ImageNet, 36, 32).ToList().ForEach(b => b.Dispose()),
            Throws.TypeOf<DataFormatException>().With.Property(nameof(DataFormatException.Path)).EqualTo(truncated));
    }

    [Test]
    public void BadArgumentsAreErrors()
    {
        using var dir = new TempFolder();
        var folder = SmallFolder(dir);
        Assert.That(() => new ImageFolderBatches(folder, 16, 0, Normalization.ImageNet), Throws.TypeOf<ArgumentOutOfRangeException>()
            .With.Message.Contains("batch size must be in [1, 15]"));
        Assert.That(() => new ImageFolderBatches(folder, 4, 0, Normalization.FashionMnist), Throws.ArgumentException
            .With.Message.Contains("normalization has 1 channels"));
        Assert.That(() => ImageFolderBatches.InOrder(folder, 4, Normalization.ImageNet, resize: 24, crop: 32), Throws.TypeOf<ArgumentOutOfRangeException>()
            .With.Message.Contains("must be >= crop (32)"));
    }
}
