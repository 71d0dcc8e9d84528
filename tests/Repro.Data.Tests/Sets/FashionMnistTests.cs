namespace Repro.Data.Tests.Sets;

/// <summary>The real Fashion-MNIST of Debian's dataset-fashion-mnist (installed on first use).</summary>
public class FashionMnistTests
{
    [Test]
    public void All70000ImagesLoadWithTheClassCountsOfTheFiles()
    {
        var (train, test) = FashionMnist.Load(log: TestContext.Progress.WriteLine);
        Assert.That((train.Count, test.Count), Is.EqualTo((60_000, 10_000)));
        Assert.That((train.Channels, train.Height, train.Width), Is.EqualTo((1, 28, 28)));
        // Fashion-MNIST is balanced: 6,000 and 1,000 images per class.
        Assert.That(train.ClassCounts(), Is.All.EqualTo(6_000));
        Assert.That(test.ClassCounts(), Is.All.EqualTo(1_000));
        // Real images, not blank: mean intensity of Fashion-MNIST is about 0.286 * 255.
        double mean = train.Pixels.Average(b => (double)b) / 255;
        Assert.That(mean, Is.EqualTo(0.286).Within(0.01));
    }
}
