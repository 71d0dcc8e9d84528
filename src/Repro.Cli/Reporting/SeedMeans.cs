namespace Repro.Cli.Reporting;

/// <summary>A metric at one (series, beta, learning rate) of a grid: its mean over the seeds of
/// the complete cells there.</summary>
public sealed record SeedMean(string Series, string Variant, string Z0Label, double Beta, double Eta, double EtaTilde, double Mean, int Seeds);

static class SeedMeans
{
    /// <summary>The mean of <paramref name="metric"/> over seeds, for every point of the grid
    /// where a complete cell has it.</summary>
    public static IReadOnlyList<SeedMean> Of(IEnumerable<CellRow> rows, Func<CellRow, double?> metric) =>
        rows.Where(r => !r.IsBroken && r.Beta is not null && r.Eta is not null && metric(r) is not null)
            .GroupBy(r => (r.Series, r.Beta!.Value, r.Eta!.Value))
            .Select(g => new SeedMean(g.Key.Series, g.First().Variant, g.First().Z0Label, g.Key.Item2, g.Key.Item3,
                g.First().EtaTilde ?? double.NaN, g.Average(r => metric(r)!.Value), g.Count()))
            .ToList();

    /// <summary>At each (series, beta), the learning rate with the best mean.</summary>
    public static IReadOnlyList<SeedMean> BestPerBeta(IEnumerable<SeedMean> means, bool higherIsBetter) =>
        means.GroupBy(m => (m.Series, m.Beta))
            .Select(g => higherIsBetter ? g.MaxBy(m => m.Mean)! : g.MinBy(m => m.Mean)!)
            .OrderBy(m => m.Series, StringComparer.Ordinal).ThenBy(m => m.Beta)
            .ToList();

    /// <summary>What picks the best learning rate per beta: validation accuracy where the records have
    /// it (never the test set), else test accuracy (records from before the validation split).</summary>
    public static (Func<CellRow, double?> Metric, string Name) Selection(IReadOnlyList<CellRow> rows) =>
        rows.Any(r => r.ValAccuracy is not null && !r.IsBroken)
            ? (r => r.ValAccuracy, "validation accuracy")
            : (r => r.Accuracy, "test accuracy");

    /// <summary>At each (series, beta), the seed mean of <paramref name="metric"/> at the learning rate
    /// that <see cref="Selection"/> picks.</summary>
    public static IReadOnlyList<SeedMean> AtSelected(IReadOnlyList<CellRow> rows, Func<CellRow, double?> metric)
    {
        var picked = BestPerBeta(Of(rows, Selection(rows).Metric), higherIsBetter: true).ToDictionary(m => (m.Series, m.Beta), m => m.Eta);
        return Of(rows, metric).Where(m => picked.TryGetValue((m.Series, m.Beta), out double eta) && eta == m.Eta)
            .OrderBy(m => m.Series, StringComparer.Ordinal).ThenBy(m => m.Beta).ToList();
    }
}
