namespace Repro.Harness;

/// <summary>What a claim's measurement says at this scale.</summary>
public enum Verdict
{
    /// <summary>The interval supports the claim.</summary>
    Consistent,
    /// <summary>The interval rules the claim out.</summary>
    Inconsistent,
    /// <summary>The interval is too wide to tell, or the grid cannot measure the claim.</summary>
    Inconclusive,
}

/// <summary>
/// The verdict rules, one per kind of claim, the same for every experiment and tier and never tuned
/// to a result (README "The claims as verdicts"). Every interval is a 95% bootstrap interval over seeds.
/// </summary>
public static class VerdictRules
{
    /// <summary>Below this many seeds no claim gets a verdict: two seeds give no interval worth the name.</summary>
    public const int MinSeeds = 3;

    /// <summary>A slope is tested where at least this many betas (or ||Z0|| values) give a point.</summary>
    public const int MinPoints = 3;

    /// <summary>The widest slope interval that still decides: one unit of slope (it cannot tell -1 from 0).</summary>
    public const double MaxSlopeWidth = 1.0;

    /// <summary>Claims of the form "A exceeds B", measured as the difference A - B: consistent when the
    /// whole interval is above 0, inconsistent when the whole interval is at or below 0.</summary>
    public static Verdict Difference(double low, double high, int seeds)
    {
        if (seeds < MinSeeds || !double.IsFinite(low) || !double.IsFinite(high)) return Verdict.Inconclusive;
        if (low > 0) return Verdict.Consistent;
        if (high <= 0) return Verdict.Inconsistent;
        return Verdict.Inconclusive;
    }

    /// <summary>Claims of the form "y ~ x^expected" in log-log: inconsistent when the interval excludes
    /// the expected slope, consistent when it holds it and is at most <see cref="MaxSlopeWidth"/> wide.</summary>
    public static Verdict Slope(double low, double high, double expected, int seeds, int points)
    {
        if (seeds < MinSeeds || points < MinPoints || !double.IsFinite(low) || !double.IsFinite(high)) return Verdict.Inconclusive;
        if (expected < low || expected > high) return Verdict.Inconsistent;
        return high - low <= MaxSlopeWidth ? Verdict.Consistent : Verdict.Inconclusive;
    }

    public static string Name(Verdict v) => v switch
    {
        Verdict.Consistent => "consistent",
        Verdict.Inconsistent => "inconsistent",
        _ => "inconclusive at this scale",
    };
}
