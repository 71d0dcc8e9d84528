namespace Repro.Dynamics.Tests;

/// <summary>THEORY.md's timescales as crossings of curves measured at probe steps: interpolated only
/// between two probes that bracket the crossing, censored (a bound and a flag) otherwise.</summary>
public class CrossingTests
{
    [Test]
    public void ACrossingBetweenTwoProbesIsInterpolatedBetweenThem()
    {
        var c = Crossing.Of([0, 10, 20], [0.0, 0.4, 0.9], 0.5);
        Assert.That(c.Censoring, Is.EqualTo(Censoring.None));
        Assert.That(c.Step, Is.EqualTo(12).Within(1e-12));
        Assert.That((c.Before, c.Bound), Is.EqualTo((10.0, 20.0)));
        Assert.That(c.ToString(), Is.EqualTo("12 (between probes 10 and 20)"));
    }

    [Test]
    public void ACurveAlreadyAtTheLevelAtItsFirstProbeIsLeftCensored()
    {
        var c = Crossing.Of([5, 10], [0.6, 0.9], 0.5);
        Assert.That((c.Censoring, c.Bound, c.Step), Is.EqualTo((Censoring.Left, 5.0, double.NaN)));
        Assert.That(c.ToString(), Does.StartWith("<= 5"));
    }

    [Test]
    public void ACurveThatNeverReachesTheLevelIsRightCensoredAtItsLastProbe()
    {
        var c = Crossing.Of([0, 10, 240], [0.1, 0.2, 0.3], 0.5);
        Assert.That((c.Censoring, c.Bound, c.Step), Is.EqualTo((Censoring.Right, 240.0, double.NaN)));
        Assert.That(c.ToString(), Does.StartWith("> 240"));
    }

    [Test]
    public void NonFiniteValuesAreNotMeasurementsAndNeverBracketACrossing()
    {
        // The NaN at step 10 is not a probe: the crossing lies between the measured 0 and 20.
        var c = Crossing.Of([0, 10, 20], [0.0, double.NaN, 1.0], 0.5);
        Assert.That((c.Censoring, c.Before, c.Bound), Is.EqualTo((Censoring.None, 0.0, 20.0)));
        Assert.That(c.Step, Is.EqualTo(10).Within(1e-12));
        Assert.That(() => Crossing.Of([0, 1], [double.NaN, double.NaN], 0.5), Throws.ArgumentException);
    }

    [Test]
    public void CensoredCrossingsWriteTheirFlagAndBound()
    {
        var scalars = new Dictionary<string, double>();
        Crossing.Of([0, 1, 2], [0.0, 0.1, 0.2], 0.5).WriteTo(scalars, "t_learn");
        Crossing.Of([0, 1, 2], [0.0, 0.6, 0.9], 0.5).WriteTo(scalars, "t4_t_learn", "@z0=1");
        Assert.That(scalars["t_learn"], Is.NaN);
        Assert.That(scalars["t_learn_censored"], Is.EqualTo(1));
        Assert.That(scalars["t_learn_bound"], Is.EqualTo(2));
        Assert.That(scalars["t4_t_learn@z0=1"], Is.EqualTo(1 / 1.2).Within(1e-12));
        Assert.That(scalars["t4_t_learn_censored@z0=1"], Is.EqualTo(0));
        Assert.That(scalars, Does.Not.ContainKey("t4_t_learn_bound@z0=1"), "a measured crossing has no bound");
    }

    /// <summary>
    /// r(t) known in closed form: logits moving at a constant rate along a fixed direction,
    /// Z_t = Z_0 + t v (a linear model under a constant logit gradient), give r(t) = t ||v|| / ||Z_0||
    /// exactly, and a concave series r(t) = sqrt(t / tau) a curved one. Sampled on the default probe
    /// schedule, t_learn lands within the probe interval that holds the exact crossing, is exact for
    /// the straight line, and is flagged when the crossing lies outside the probes.
    /// </summary>
    [TestCase(0.37)]
    [TestCase(2.5)]
    [TestCase(7.3)]
    [TestCase(61.0)]
    [TestCase(199.9)]
    public void TLearnOnTheProbeScheduleIsWithinOneProbeIntervalOfTheExactCrossing(double exact)
    {
        var steps = new ProbeSchedule().Steps(240);
        foreach (var (name, r, isLinear) in new (string, Func<double, double>, bool)[]
        {
            ("constant logit gradient", t => 0.5 * t / exact, true),
            ("square root", t => 0.5 * Math.Sqrt(t / exact), false),
        })
        {
            var c = Crossing.Of(steps, steps.Select(s => r(s)).ToList(), ProbeLog.LearnedLevel);
            Assert.That(c.Censoring, Is.EqualTo(Censoring.None), name);
            int after = steps.ToList().IndexOf((long)c.Bound);
            Assert.That(after, Is.GreaterThan(0), $"{name}: the bracket's upper end is a probe");
            Assert.That((double)steps[after - 1], Is.EqualTo(c.Before), $"{name}: the bracket is two consecutive probes");
            Assert.That(exact, Is.InRange(c.Before, c.Bound), $"{name}: the exact crossing lies in the bracket");
            Assert.That(Math.Abs(c.Step - exact), Is.LessThanOrEqualTo(c.Bound - c.Before), $"{name}: within one probe interval");
            if (isLinear) Assert.That(c.Step, Is.EqualTo(exact).Within(1e-9), $"{name}: interpolation is exact on a straight line");
        }
        // The same series over a run too short to reach the level: censored after its last probe.
        var early = new ProbeSchedule().Steps((long)Math.Floor(exact * 0.9));
        if (early[^1] > 0)
        {
            var c = Crossing.Of(early, early.Select(s => 0.5 * s / exact).ToList(), 0.5);
            Assert.That((c.Censoring, c.Bound), Is.EqualTo((Censoring.Right, (double)early[^1])));
        }
    }
}

public class ProbeScheduleTests
{
    [Test]
    public void TheDefaultScheduleIsDenseFirstThenGeometricAndEndsAtTheLastStep()
    {
        Assert.That(new ProbeSchedule().Steps(240), Is.EqualTo(new long[] { 0, 1, 2, 3, 4, 6, 8, 11, 16, 23, 33, 47, 66, 93, 132, 187, 240 }));
        Assert.That(new ProbeSchedule().Steps(3), Is.EqualTo(new long[] { 0, 1, 2, 3 }));
        Assert.That(new ProbeSchedule(Dense: 2, Ratio: 2).Steps(20), Is.EqualTo(new long[] { 0, 1, 2, 4, 8, 16, 20 }));
        Assert.That(ProbeSchedule.EveryStep.Steps(5), Is.EqualTo(new long[] { 0, 1, 2, 3, 4, 5 }));
        Assert.That(new ProbeSchedule().Describe(240), Is.EqualTo("every step to 4, then x1.41 (17 probes: 0, 1, 2, 3, 4, 6, 8, 11, 16, ..., 240)"));
    }

    [Test]
    public void ABadScheduleNamesItsField()
    {
        Assert.That(() => new ProbeSchedule(Ratio: 0.5).Steps(10), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("Ratio"));
        Assert.That(() => new ProbeSchedule(Dense: -1).Steps(10), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("Dense"));
    }
}

public class LogLogFitTests
{
    [Test]
    public void TheFitRecoversAPowerLaw()
    {
        double[] x = [0.1, 0.3, 1, 3, 10];
        Assert.That(LogLogFit.SlopeOf(x, x.Select(v => 7 / v).ToArray()), Is.EqualTo(-1).Within(1e-12));
        var fit = LogLogFit.Of(x.Select(v => (v, 2 * v * v)))!;
        Assert.That((fit.Slope, fit.At(5), fit.Points), Is.EqualTo((2.0, 50.0, 5)).Within(1e-9));
    }

    [Test]
    public void AnUnmeasuredPointIsLeftOutAndCountedNeverSilentlyFitted()
    {
        double[] x = [1, 2, 4];
        double[] y = [1, double.NaN, 16];
        Assert.That(LogLogFit.Of(x.Zip(y))!.Points, Is.EqualTo(2));
        Assert.That(LogLogFit.SlopeOf(x, y), Is.NaN, "a law over every point needs every point");
        Assert.That(LogLogFit.Of([(1.0, 1.0)]), Is.Null, "one x is no slope");
    }
}
