namespace Repro.Harness;

/// <summary>How far a golden quantity may move: |actual - expected| <= atol + rtol * |expected|.</summary>
public readonly record struct Tolerance(double Rtol, double Atol)
{
    public double Allowed(double expected) => Atol + Rtol * Math.Abs(expected);

    /// <summary>NaN matches only NaN, an infinity only the same infinity.</summary>
    public bool Accepts(double expected, double actual)
    {
        if (double.IsNaN(expected) || double.IsNaN(actual)) return double.IsNaN(expected) && double.IsNaN(actual);
        if (double.IsInfinity(expected) || double.IsInfinity(actual)) return expected == actual;
        return Math.Abs(actual - expected) <= Allowed(expected);
    }
}

/// <summary>A quantity an experiment pins in its golden snapshot; a null tolerance takes the
/// experiment's default.</summary>
public sealed record Quantity(string Name, double Value, Tolerance? Tolerance = null);
