using Repro.Torch;
using static Repro.Torch.torch;

namespace Repro.Dynamics.Tests;

public class CalibrationTests
{
    [Test]
    public void EceIsTheCountWeightedGapBetweenAccuracyAndConfidencePerBin()
    {
        // Two classes; confidences 0.9 (right), 0.9 (wrong), 0.6 (right), 0.6 (right).
        double l9 = Math.Log(0.9 / 0.1), l6 = Math.Log(0.6 / 0.4);
        using var z = tensor(new[] { l9, 0, l9, 0, 0, l6, 0, l6 }, [4, 2]);
        using var y = tensor(new long[] { 0, 1, 1, 1 }, [4]);
        var c = new Calibration();
        c.Add(z, y);
        // Bin of 0.9: accuracy 1/2 vs confidence 0.9; bin of 0.6: accuracy 1 vs 0.6. ECE = 2/4 * 0.4 + 2/4 * 0.4.
        Assert.That(c.Ece, Is.EqualTo(0.4).Within(1e-12));
        Assert.That(c.Accuracy, Is.EqualTo(0.75));
        double nll = -(Math.Log(0.9) + Math.Log(0.1) + 2 * Math.Log(0.6)) / 4;
        Assert.That(c.Nll, Is.EqualTo(nll).Within(1e-12));
        Assert.That(c.Count, Is.EqualTo(4));
    }

    [Test]
    public void ATemperatureChangesConfidenceNotAccuracy()
    {
        using var g = new Generator(4);
        using var z = randn([500, 10], g, ScalarType.Float64) * 3;
        using var y = randint(0, 10, [500], g);
        var (cold, hot) = (new Calibration(0.5), new Calibration(4));
        cold.Add(z, y);
        hot.Add(z, y);
        Assert.That(hot.Accuracy, Is.EqualTo(cold.Accuracy));
        Assert.That(hot.Nll, Is.Not.EqualTo(cold.Nll));
    }

    /// <summary>Labels drawn from softmax(Z): the model is calibrated at T = 1, so logits scaled by 2.5
    /// (overconfident) are fixed by T* = 2.5, and the fitted temperature lowers NLL and ECE.</summary>
    [Test]
    public void TemperatureScalingRecoversTheTemperatureOfOverconfidentLogits()
    {
        using var g = new Generator(11);
        using var truth = randn([20_000, 5], g, ScalarType.Float64) * 1.5;
        // Gumbel-max: argmax(Z + G), G = -ln(-ln U), draws one label per row from softmax(Z).
        using var u = zeros([20_000, 5], ScalarType.Float64).uniform_(1e-12, 1, g);
        using var gumbel = -(-u.log()).log();
        using var y = (truth + gumbel).argmax(1);
        using var overconfident = truth * 2.5;
        double t = Calibration.FitTemperature(overconfident, y, out bool atBound);
        Assert.That(t, Is.EqualTo(2.5).Within(0.05 * 2.5));
        Assert.That(atBound, Is.False);
        var (before, after) = (new Calibration(1), new Calibration(t));
        before.Add(overconfident, y);
        after.Add(overconfident, y);
        Assert.That(after.Nll, Is.LessThan(before.Nll));
        Assert.That(after.Ece, Is.LessThan(before.Ece / 3));
    }

    [Test]
    public void APerfectlySeparatedSplitPutsTStarAtTheRangeEnd()
    {
        using var z = tensor(new[] { 5.0, 0, 0, 5.0 }, [2, 2]);
        using var y = tensor(new long[] { 0, 1 }, [2]);
        double t = Calibration.FitTemperature(z, y, out bool atBound);
        Assert.That(atBound, Is.True, $"T* = {t}: the NLL falls on as T goes to 0");
    }
}
