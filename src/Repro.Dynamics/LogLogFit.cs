namespace Repro.Dynamics;

/// <summary>The least-squares line log y = Intercept + Slope log x, the one fit of every timescale
/// and learning-rate law (theory checks, harness summaries, reports).</summary>
/// <param name="Points">How many of the given points it fitted (those with finite x, y > 0).</param>
public sealed record LogLogFit(double Intercept, double Slope, int Points)
{
    public double At(double x) => Math.Exp(Intercept + Slope * Math.Log(x));

    /// <summary>The fit of the points with finite x, y > 0 (others are left out and not counted:
    /// callers that need every point check <see cref="Points"/>); null with fewer than two distinct x.</summary>
    public static LogLogFit? Of(IEnumerable<(double X, double Y)> points)
    {
        var logs = points.Where(p => p.X > 0 && p.Y > 0 && double.IsFinite(p.X) && double.IsFinite(p.Y))
            .Select(p => (x: Math.Log(p.X), y: Math.Log(p.Y))).ToList();
        if (logs.Select(p => p.x).Distinct().Count() < 2) return null;
        double mx = logs.Average(p => p.x), my = logs.Average(p => p.y);
        double slope = logs.Sum(p => (p.x - mx) * (p.y - my)) / logs.Sum(p => (p.x - mx) * (p.x - mx));
        return new LogLogFit(my - slope * mx, slope, logs.Count);
    }

    /// <summary>The slope through pairs (x[i], y[i]); NaN unless every pair can be fitted (an
    /// unmeasured y never silently shortens a law).</summary>
    public static double SlopeOf(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        if (x.Count != y.Count) throw new ArgumentException($"{x.Count} x values for {y.Count} y values");
        var fit = Of(x.Zip(y));
        return fit is not null && fit.Points == x.Count ? fit.Slope : double.NaN;
    }
}
