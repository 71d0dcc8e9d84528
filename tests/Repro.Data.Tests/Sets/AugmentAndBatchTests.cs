using Repro.Torch;

namespace Repro.Data.Tests.Sets;

public class AugmentAndBatchTests
{
    [Test]
    public void CropAndFlipMovesPixelsAndPadsWithZeros()
    {
        // A 1x3x3 image 1..9; padding 4 means an offset of 4 is the identity. The normalization
        // maps byte v to v, so the output reads as bytes.
        byte[] image = [1, 2, 3, 4, 5, 6, 7, 8, 9];
        var identity = new Normalization([0f], [1f / 255]);
        var output = new float[9];
        CropAndFlip.Apply(image, output, 1, 3, 3, new CropAndFlip.Choice(4, 4, false), identity);
        Assert.That(output, Is.EqualTo(new float[] { 1, 2, 3, 4, 5, 6, 7, 8, 9 }).Within(1e-4));
        CropAndFlip.Apply(image, output, 1, 3, 3, new CropAndFlip.Choice(4, 4, true), identity);
        Assert.That(output, Is.EqualTo(new float[] { 3, 2, 1, 6, 5, 4, 9, 8, 7 }).Within(1e-4));
        CropAndFlip.Apply(image, output, 1, 3, 3, new CropAndFlip.Choice(5, 3, false), identity);  // right 1, down -1
        Assert.That(output, Is.EqualTo(new float[] { 0, 0, 0, 2, 3, 0, 5, 6, 0 }).Within(1e-4));
        CropAndFlip.Apply(image, output, 1, 3, 3, new CropAndFlip.Choice(0, 4, true), identity);   // all padding
        Assert.That(output, Is.All.EqualTo(0f));
    }

    [Test]
    public void BatchesAreFixedBySeedAndCoverAnEpochOnce()
    {
        var set = SyntheticImages.Generate(64, seed: 1);
        long[] Labels(ulong seed, bool augment, out float[] firstImages, bool background = true)
        {
            using var batches = new ImageBatches(set, 16, seed, Normalization.Cifar10, augment, background);
            var labels = new List<long>();
            firstImages = [];
            for (int b = 0; b < 4; b++)
            {
                using var batch = batches.Next();
                Assert.That(batch.Inputs.shape, Is.EqualTo(new long[] { 16, 3, 32, 32 }));
                if (b == 0) firstImages = batch.Inputs.ToArray<float>();
                labels.AddRange(batch.Labels.ToArray<long>());
            }
            return labels.ToArray();
        }
        var a = Labels(7, true, out var imagesA);
        var b = Labels(7, true, out var imagesB);
        var c = Labels(8, true, out _);
        Labels(7, false, out var plain);
        var inPlace = Labels(7, true, out var imagesInPlace, background: false);
        Assert.That(inPlace, Is.EqualTo(a), "built in place or in the background: the same batches");
        Assert.That(imagesInPlace, Is.EqualTo(imagesA));
        Assert.That(a, Is.EqualTo(b));
        Assert.That(imagesA, Is.EqualTo(imagesB), "same seed, same crops and flips");
        Assert.That(imagesA, Is.Not.EqualTo(plain), "augmentation changed the images");
        Assert.That(a, Is.Not.EqualTo(c));
        Assert.That(a.Order(), Is.EqualTo(set.Labels.Select(l => (long)l).Order()), "one epoch is a permutation of the set");
    }

    [Test]
    public void NormalizationUsesChannelMeanAndStd()
    {
        var n = new Normalization([0.5f], [0.25f]);
        var output = new float[3];
        n.Apply([0, 255, 51], output, 1);
        Assert.That(output, Is.EqualTo(new[] { -2f, 2f, -1.2f }).Within(1e-5f));
    }

    [Test]
    public void SyntheticImagesAreDeterministicAndCarryTheirClass()
    {
        var a = SyntheticImages.Generate(200, seed: 3);
        Assert.That(SyntheticImages.Generate(200, seed: 3).Pixels, Is.EqualTo(a.Pixels));
        Assert.That(SyntheticImages.Generate(200, seed: 4).Pixels, Is.Not.EqualTo(a.Pixels));
        // Nearest class mean (from the first half) classifies the second half: the class is in the pixels.
        int size = a.ImageSize;
        var means = new double[10, size];
        var counts = new int[10];
        for (int i = 0; i < 100; i++)
        {
            counts[a.Labels[i]]++;
            for (int p = 0; p < size; p++) means[a.Labels[i], p] += a.Pixels[i * size + p];
        }
        int correct = 0;
        for (int i = 100; i < 200; i++)
        {
            int best = Enumerable.Range(0, 10).Where(k => counts[k] > 0).MinBy(k =>
                Enumerable.Range(0, size).Sum(p => Math.Pow(a.Pixels[i * size + p] - means[k, p] / counts[k], 2)));
            correct += best == a.Labels[i] ? 1 : 0;
        }
        Assert.That(correct, Is.GreaterThan(90));
    }

    [Test]
    public void ABadBatchSizeNamesTheSet()
    {
        var set = SyntheticImages.Generate(8, seed: 1);
        Assert.That(() => new ImageBatches(set, 9, 0, Normalization.Cifar10, false),
            Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("synthetic images"));
    }
}
