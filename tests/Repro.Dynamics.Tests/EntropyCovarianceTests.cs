using Repro.Torch;
using static Repro.Torch.torch;

namespace Repro.Dynamics.Tests;

public class EntropyCovarianceTests
{
    [Test]
    public void ShiftingEveryLogitOfAnExampleChangesNothingAndPredictsNothing()
    {
        using var g = new Generator(1);
        using var z = randn([6, 5], g, ScalarType.Float64) * 3;
        using var shift = randn([6, 1], g, ScalarType.Float64);
        using var shifted = z + shift;  // softmax is invariant to a per-example constant
        Assert.That(EntropyCovariance.Predicted(z, shifted), Is.EqualTo(0).Within(1e-14));
        Assert.That(EntropyCovariance.Measured(z, shifted), Is.EqualTo(0).Within(1e-14));
    }

    [Test]
    public void TwoClassesMatchTheHandDerivative()
    {
        // Z = (a, 0): p = sigmoid(a), H(a) = -p ln p - (1 - p) ln(1 - p), dH/da = -p (1 - p) a.
        // -Cov(ln p, dZ) with dZ = (d, 0): -p (1 - p) (ln p - ln(1 - p)) d = -p (1 - p) a d.
        double a = 1.3, d = 0.25;
        using var z = tensor(new[] { a, 0.0 }, [1, 2]);
        using var after = tensor(new[] { a + d, 0.0 }, [1, 2]);
        double p = 1 / (1 + Math.Exp(-a));
        Assert.That(EntropyCovariance.Predicted(z, after), Is.EqualTo(-p * (1 - p) * a * d).Within(1e-15));
    }

    [Test]
    public void ThePredictionIsTheChangeToFirstOrder()
    {
        // dZ = eps D: the measured change minus the prediction is O(eps^2), so the error falls
        // 100-fold when eps falls 10-fold, and the ratio goes to 1.
        using var g = new Generator(2);
        using var z = randn([32, 10], g, ScalarType.Float64) * 2;
        using var direction = randn([32, 10], g, ScalarType.Float64);
        double Error(double eps)
        {
            using var scope = NewDisposeScope();
            Tensor after = z + direction * eps;
            return EntropyCovariance.Measured(z, after) - EntropyCovariance.Predicted(z, after);
        }
        double coarse = Error(1e-2), fine = Error(1e-3);
        Assert.That(Math.Abs(fine), Is.LessThan(Math.Abs(coarse) / 50), $"errors {coarse:E2} at 1e-2, {fine:E2} at 1e-3");
        using var step = z + direction * 1e-3;
        Assert.That(EntropyCovariance.Measured(z, step) / EntropyCovariance.Predicted(z, step), Is.EqualTo(1).Within(1e-2));
    }

    [Test]
    public void MovingAlongLnPLowersTheEntropyByTheVarianceOfLnP()
    {
        // dZ = eps ln p sharpens every prediction: dH = -eps Var_p(ln p) per example, < 0.
        using var g = new Generator(3);
        using var z = randn([4, 6], g, ScalarType.Float64);
        using var logp = z.log_softmax(1);
        using var p = logp.exp();
        using var mean = (p * logp).sum([1], keepdim: true);
        using var variance = (p * (logp - mean).pow(2)).sum([1]).mean();
        double eps = 1e-3;
        using var after = z + logp * eps;
        Assert.That(EntropyCovariance.Predicted(z, after), Is.EqualTo(-eps * variance.item()).Within(1e-15));
        Assert.That(EntropyCovariance.Measured(z, after), Is.Negative);
    }

    [Test]
    public void TheProbeLogSummarisesTheRatioByItsMedianAndQuartiles()
    {
        var curves = new Dictionary<string, Curve>();
        var log = new ProbeLog(curves);
        // Four updates with ratios 0.5, 1, 1.5, 2 and one whose prediction is exactly 0.
        foreach (var (step, measured, predicted) in new[] { (0L, 0.5, 1.0), (1L, -2.0, -2.0), (2L, 3.0, 2.0), (3L, 4.0, 2.0), (4L, 1e-9, 0.0) })
        {
            log.Curve(ProbeLog.EntropyChange).Add(step, measured);
            log.Curve(ProbeLog.EntropyChangeCov).Add(step, predicted);
        }
        var (scalars, notes) = (new Dictionary<string, double>(), new Dictionary<string, string>());
        log.WriteEntropyLaw(scalars, notes);
        Assert.That(scalars["entropy_cov_updates"], Is.EqualTo(4));
        Assert.That(scalars["entropy_cov_ratio_median"], Is.EqualTo(1.25).Within(1e-15));
        Assert.That(scalars["entropy_cov_ratio_q25"], Is.EqualTo(0.875).Within(1e-15));
        Assert.That(scalars["entropy_cov_ratio_q75"], Is.EqualTo(1.625).Within(1e-15));
        Assert.That(notes["entropy_cov"], Does.Contain("over the 4 updates").And.Contain("1 with a prediction of exactly 0 left out"));
    }
}

public class SaturationTests
{
    static (Dictionary<string, double> Scalars, Dictionary<string, string> Notes) Saturation(long[] steps, double[] entropy, bool diverged = false)
    {
        var curves = new Dictionary<string, Curve>();
        var log = new ProbeLog(curves);
        for (int i = 0; i < steps.Length; i++) log.Curve(ProbeLog.Entropy).Add(steps[i], entropy[i]);
        var (scalars, notes) = (new Dictionary<string, double>(), new Dictionary<string, string>());
        log.WriteSaturation(scalars, notes, classes: 4, diverged);
        return (scalars, notes);
    }

    [Test]
    public void TSaturateIsWhereTheEntropyFallsToHalfOfLnKBetweenTwoProbes()
    {
        double half = Math.Log(4) / 2;  // 0.693
        var (scalars, notes) = Saturation([0, 4, 8], [1.386, half + 0.1, half - 0.1]);
        Assert.That(scalars["t_saturate"], Is.EqualTo(6).Within(1e-9), "halfway between probes 4 and 8");
        Assert.That(scalars["t_saturate_censored"], Is.EqualTo(0));
        Assert.That(notes["t_saturate"], Does.Contain("ln 4 / 2 = 0.693"));
    }

    [Test]
    public void ASaturationNotReachedIsCensoredNeverExtrapolated()
    {
        var (scalars, _) = Saturation([0, 4, 8], [1.386, 1.2, 1.0]);
        Assert.That(scalars["t_saturate"], Is.NaN);
        Assert.That(scalars["t_saturate_censored"], Is.EqualTo(1));
        Assert.That(scalars["t_saturate_bound"], Is.EqualTo(8));
        var (already, _) = Saturation([0, 4], [0.5, 0.4]);
        Assert.That(already["t_saturate_censored"], Is.EqualTo(-1), "saturated at the first probe already");
        var (diverged, notes) = Saturation([0, 4], [1.3, 0.1], diverged: true);
        Assert.That(diverged, Is.Empty);
        Assert.That(notes["t_saturate"], Does.Contain("diverged"));
    }
}
