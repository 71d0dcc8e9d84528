using System.Globalization;

namespace Repro.Dynamics;

/// <summary>How a crossing is known: measured between two probes, or only bounded.</summary>
public enum Censoring
{
    /// <summary>Measured: the level lies between two measured probes, the step is interpolated between them.</summary>
    None = 0,
    /// <summary>The first probe is already at or above the level: the crossing is at or before it (t &lt;= Bound).</summary>
    Left = -1,
    /// <summary>No probe reached the level: the crossing, if any, is after the last one (t &gt; Bound).</summary>
    Right = 1,
}

/// <summary>
/// When a curve measured at probe steps first reaches a level (THEORY.md: t_learn is r reaching 0.5,
/// t_nl the nonlinearity measure reaching 0.1). The step is linearly interpolated only between the
/// two measured probes that bracket the crossing, never extrapolated: a crossing before the first
/// probe or after the last is censored, a bound with a flag. Non-finite values count as not measured.
/// </summary>
/// <param name="Step">The interpolated step when measured; NaN when censored.</param>
/// <param name="Bound">The probe step that bounds a censored crossing; for a measured one, the probe after it.</param>
/// <param name="Before">The probe step before a measured crossing (the bracket is [Before, Bound]); NaN when censored.</param>
public readonly record struct Crossing(double Step, Censoring Censoring, double Bound, double Before)
{
    public bool IsMeasured => Censoring == Censoring.None;

    /// <summary>Whether a measured crossing at <paramref name="step"/> is a time: one under a step (the
    /// curve crossed between the probes at 0 and 1) says only "within the first update", a bound like
    /// a censored one; where the straight line between those probes crosses is not a time the discrete
    /// run has. C4a's t_learn and C10's t_saturate read it, as do the report's cure table and
    /// entropy-by-cure figure.</summary>
    public static bool IsATime(double step) => step >= 1;

    public static Crossing Of(Curve curve, double level) => Of(curve.Steps, curve.Values, level);

    public static Crossing Of(IReadOnlyList<long> steps, IReadOnlyList<double> values, double level)
    {
        if (steps.Count != values.Count) throw new ArgumentException($"{steps.Count} steps for {values.Count} values");
        int previous = -1;
        for (int i = 0; i < values.Count; i++)
        {
            if (!double.IsFinite(values[i])) continue;
            if (values[i] >= level)
            {
                if (previous < 0) return new(double.NaN, Censoring.Left, steps[i], double.NaN);
                double fraction = (level - values[previous]) / (values[i] - values[previous]);
                return new(steps[previous] + fraction * (steps[i] - steps[previous]), Censoring.None, steps[i], steps[previous]);
            }
            previous = i;
        }
        if (previous < 0) throw new ArgumentException("no finite value was measured: a crossing needs at least one probe");
        return new(double.NaN, Censoring.Right, steps[previous], double.NaN);
    }

    /// <summary>Writes <paramref name="name"/> (the step, NaN when censored), <c>name_censored</c>
    /// (0 measured, -1 at or before the bound, +1 after it) and, when censored, <c>name_bound</c>;
    /// each key ends with <paramref name="at"/> ("@z0=1") when given.</summary>
    public void WriteTo(IDictionary<string, double> scalars, string name, string at = "")
    {
        scalars[name + at] = Step;
        scalars[$"{name}_censored{at}"] = (int)Censoring;
        if (!IsMeasured) scalars[$"{name}_bound{at}"] = Bound;
    }

    /// <summary>"12.4 (between probes 11 and 16)", "<= 1", "> 240".</summary>
    public override string ToString() => Censoring switch
    {
        Censoring.None => $"{Format(Step)} (between probes {Format(Before)} and {Format(Bound)})",
        Censoring.Left => $"<= {Format(Bound)} (reached at the first probe)",
        _ => $"> {Format(Bound)} (not reached by the last probe)",
    };

    static string Format(double step) => step.ToString("0.###", CultureInfo.InvariantCulture);
}
