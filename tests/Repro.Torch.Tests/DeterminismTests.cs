namespace Repro.Torch.Tests;

/// <summary>The same seed gives bit-identical losses on CPU, also while other tests train in parallel.</summary>
[Parallelizable(ParallelScope.All)]
public class DeterminismTests
{
    static double[]? reference;

    [OneTimeSetUp]
    public void ComputeReference() => reference = SmallCnn.TrainLosses(seed: 2024, steps: 30);

    [TestCase(0)]
    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    public void SameSeedSameLossesBitForBit(int run)
    {
        double[] losses = SmallCnn.TrainLosses(seed: 2024, steps: 30);
        for (int i = 0; i < losses.Length; i++)
            Assert.That(BitConverter.DoubleToInt64Bits(losses[i]), Is.EqualTo(BitConverter.DoubleToInt64Bits(reference![i])),
                $"run {run}, step {i}: {losses[i]:R} vs {reference[i]:R}");
        Assert.That(losses[^1], Is.LessThan(losses[0]), "the network learns");
    }

    [Test]
    public void OtherSeedOtherLosses() =>
        Assert.That(SmallCnn.TrainLosses(seed: 2025, steps: 3), Is.Not.EqualTo(reference![..3]));
}
