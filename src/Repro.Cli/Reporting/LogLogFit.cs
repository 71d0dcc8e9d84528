namespace Repro.Cli.Reporting;

/// <summary>The least-squares line log y = Intercept + Slope log x.</summary>
sealed record LogLogFit(double Intercept, double Slope)
{
    public double At(double x) => Math.Exp(Intercept + Slope * Math.Log(x));

    /// <summary>The fit of (x, y) pairs with x, y > 0; null with fewer than two distinct x.</summary>
    public static LogLogFit? Of(IReadOnlyList<(double X, double Y)> points)
    {
        var logs = points.Where(p => p.X > 0 && p.Y > 0).Select(p => (x: Math.Log(p.X), y: Math.Log(p.Y))).ToList();
        if (logs.Select(p => p.x).Distinct().Count() < 2) return null;
        double mx = logs.Average(p => p.x), my = logs.Average(p => p.y);
        double slope = logs.Sum(p => (p.x - mx) * (p.y - my)) / logs.Sum(p => (p.x - mx) * (p.x - mx));
        return new LogLogFit(my - slope * mx, slope);
    }
}
