namespace Repro.Harness;

/// <summary>
/// Percentile bootstrap over seeds: the seeds are drawn with replacement, the statistic recomputed on
/// each draw, and the 2.5% and 97.5% quantiles of its finite values taken. The draws come from a fixed
/// generator, so an interval is the same on every run of the same records.
/// </summary>
public static class Bootstrap
{
    public const int Resamples = 2000;

    /// <summary>The interval; NaN bounds when fewer than half the draws give a finite statistic.</summary>
    public static (double Low, double High) Interval(IReadOnlyList<int> seeds, Func<IReadOnlyList<int>, double> statistic)
    {
        if (seeds.Count == 0) return (double.NaN, double.NaN);
        var random = new Random(20_251);
        var values = new List<double>(Resamples);
        var draw = new int[seeds.Count];
        for (int b = 0; b < Resamples; b++)
        {
            for (int i = 0; i < draw.Length; i++) draw[i] = seeds[random.Next(seeds.Count)];
            double v = statistic(draw);
            if (double.IsFinite(v)) values.Add(v);
        }
        if (values.Count < Resamples / 2) return (double.NaN, double.NaN);
        values.Sort();
        return (Quantile(values, 0.025), Quantile(values, 0.975));
    }

    static double Quantile(List<double> sorted, double q)
    {
        double position = q * (sorted.Count - 1);
        int i = (int)Math.Floor(position);
        return i + 1 < sorted.Count ? sorted[i] + (position - i) * (sorted[i + 1] - sorted[i]) : sorted[i];
    }
}
