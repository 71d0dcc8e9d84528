namespace Repro.Dynamics;

/// <summary>A curve logged during a run: values at the steps where they were measured.</summary>
public sealed class Curve
{
    public List<long> Steps { get; init; } = [];
    public List<double> Values { get; init; } = [];

    public void Add(long step, double value)
    {
        Steps.Add(step);
        Values.Add(value);
    }

    /// <summary>The value logged at <paramref name="step"/>; an error names the steps there are.</summary>
    public double At(long step)
    {
        int i = Steps.IndexOf(step);
        return i >= 0 ? Values[i] : throw new KeyNotFoundException(
            $"no value logged at step {step} (logged: {string.Join(", ", Steps.Take(12))}{(Steps.Count > 12 ? ", ..." : "")})");
    }
}
