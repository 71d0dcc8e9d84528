using Repro.Harness;

namespace Repro.Cli.Reporting;

/// <summary>How much test accuracy varies over seeds, against beta: the standard deviation over
/// the seeds of each (||Z0||, extra axes, beta) at the learning rate the selection picks there
/// (<see cref="SeedMeans.Selection"/>; an eta scan runs many rates, one line per rate would not read).
/// Red marks at 0 are cells that did not finish (their seeds are missing from the spread).</summary>
static class SeedSpreadFigure
{
    public const string Name = "seed-spread", Title = "Accuracy spread over seeds vs β";

    public static Figure Of(IReadOnlyList<CellRow> rows)
    {
        var complete = rows.Where(r => !r.IsBroken && r.Accuracy is not null && r.Beta is not null && r.EtaTilde is not null).ToList();
        if (complete.Count == 0) return Figure.Missing(Name, Title, Absence.NoAccuracy);
        var picked = SeedMeans.AtSelected(rows, r => r.Accuracy).ToDictionary(m => (m.Series, m.Beta), m => m.Eta);
        var spreads = complete.Where(r => picked.TryGetValue((r.Series, r.Beta!.Value), out double eta) && eta == r.Eta)
            .GroupBy(r => (r.Series, Beta: r.Beta!.Value))
            .Where(g => g.Count() >= 2)
            .Select(g => new
            {
                beta = g.Key.Beta,
                spread = StandardDeviation(g.Select(r => r.Accuracy!.Value).ToList()),
                series = g.Key.Series,
                etaTilde = Axis.FormatNumber(g.First().EtaTilde!.Value),
                seeds = g.Count(),
            })
            .OrderBy(s => s.series, StringComparer.Ordinal).ThenBy(s => s.beta).ToList();
        if (spreads.Count == 0)
            return Figure.Missing(Name, Title, "No grid point has two or more seeds with a test accuracy (the spread needs at least two).");
        var broken = rows.Where(r => r.IsBroken && r.Beta is not null)
            .Select(r => (object)new { beta = r.Beta, spread = 0.0, cell = r.Cell, status = r.Status }).ToList();
        var layers = new List<object>
        {
            new
            {
                data = new { values = spreads },
                mark = new { type = "line", point = true },
                encoding = new
                {
                    x = Vl.BetaX,
                    y = new { field = "spread", type = "quantitative", axis = new { title = "std of test accuracy over seeds" } },
                    color = new { field = "series", type = "nominal", legend = new { title = "‖Z0‖" } },
                    tooltip = new object[] { new { field = "series" }, new { field = "beta" }, new { field = "etaTilde", title = "η~" }, new { field = "spread", format = ".4f" }, new { field = "seeds" } },
                },
            },
        };
        if (broken.Count > 0) layers.Add(Vl.BrokenLayer(broken, "spread"));
        layers.AddRange(Vl.BetaOneLayers);
        return new Figure(Name, Title,
            "Standard deviation of test accuracy over the seeds of each ‖Z0‖ and β at the learning rate selected there (complete cells), one line per ‖Z0‖. " +
            "Red marks at 0: cells that diverged (×), failed (▼) or could not be read (■).",
            Vl.Spec(new { width = Vl.Width, height = Vl.Height, layer = layers }));
    }

    static double StandardDeviation(IReadOnlyList<double> values)
    {
        double mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
    }
}
