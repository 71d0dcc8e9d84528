using System.Globalization;
using Repro.Dynamics;

namespace Repro.Cli.Reporting;

/// <summary>
/// The best learning rate eta* against beta on log-log axes, with the least-squares slope of
/// log eta* on log beta per ||Z0|| (and extra axes). Best means the highest validation accuracy
/// (seed mean; test accuracy for records without a validation split), or the lowest final training
/// loss where no cell records an accuracy. Every learning
/// rate the grid tried is a grey dot; red marks are the cells that diverged or failed, which
/// outline where learning rates get too large.
/// </summary>
static class BestEtaFigure
{
    public const string Name = "best-eta-vs-beta", Title = "Best η vs β (log-log)";

    public static Figure Of(IReadOnlyList<CellRow> rows)
    {
        bool byAccuracy = rows.Any(r => r.Accuracy is not null && !r.IsBroken);
        var (selection, selectionName) = SeedMeans.Selection(rows);
        Func<CellRow, double?> metric = byAccuracy ? selection : r => r.FinalLoss;
        var means = SeedMeans.Of(rows, metric);
        if (means.Count == 0)
            return Figure.Missing(Name, Title, "No complete cell records a test accuracy or a training loss to pick the best learning rate by.");
        var best = SeedMeans.BestPerBeta(means, higherIsBetter: byAccuracy);
        var fits = best.GroupBy(m => m.Series).Select(g => (series: g.Key, fit: LogLogFit.Of(g.Select(m => (m.Beta, m.Eta)).ToList()), betas: g.Select(m => m.Beta).ToList()))
            .Where(f => f.fit is not null).ToList();
        string Label(string series) => fits.FirstOrDefault(f => f.series == series) is { fit: { } fit }
            ? $"{series}: slope {fit.Slope.ToString("0.00", CultureInfo.InvariantCulture)}"
            : $"{series}: one β, no slope";

        var tried = rows.Where(r => !r.IsBroken && r.Beta is not null && r.Eta is not null).Select(r => new { beta = r.Beta, eta = r.Eta, cell = r.Cell });
        var points = best.Select(m => new { beta = m.Beta, eta = m.Eta, series = Label(m.Series), value = m.Mean });
        var lines = fits.SelectMany(f => new[] { f.betas.Min(), f.betas.Max() }.Select(b => new { beta = b, eta = f.fit!.At(b), series = Label(f.series) }));
        var broken = rows.Where(r => r.IsBroken && r.Beta is not null && r.Eta is not null)
            .Select(r => (object)new { beta = r.Beta, eta = r.Eta, cell = r.Cell, status = r.Status }).ToList();
        var y = new { field = "eta", type = "quantitative", scale = new { type = "log" }, axis = new { title = "η (learning rate)" } };
        var color = new { field = "series", type = "nominal", legend = new { title = "η* per β, fitted slope" } };
        var layers = new List<object>
        {
            new { data = new { values = tried }, mark = new { type = "point", color = "#c8c8c8", size = 16 }, encoding = new { x = Vl.BetaX, y, tooltip = new object[] { new { field = "cell" } } } },
            new
            {
                data = new { values = points },
                mark = new { type = "point", filled = true, size = 60 },
                encoding = new { x = Vl.BetaX, y, color, tooltip = new object[] { new { field = "series" }, new { field = "beta" }, new { field = "eta" }, new { field = "value", title = byAccuracy ? selectionName : "final loss", format = ".4g" } } },
            },
        };
        // A layer without data makes Vega warn of an infinite extent: one beta has no fitted line.
        if (fits.Count > 0)
            layers.Insert(1, new { data = new { values = lines }, mark = new { type = "line", strokeDash = new[] { 6, 3 } }, encoding = new { x = Vl.BetaX, y, color } });
        if (broken.Count > 0)
            layers.Add(new
            {
                data = new { values = broken },
                mark = new { type = "point", size = 90, filled = true, color = Vl.BrokenColor },
                encoding = new { x = Vl.BetaX, y, shape = Vl.StatusShape, tooltip = new object[] { new { field = "cell" }, new { field = "status" } } },
            });
        bool onePerBeta = means.GroupBy(m => (m.Series, m.Beta)).All(g => g.Count() == 1);
        return new Figure(Name, Title,
            $"η* at each β: the learning rate with the {(byAccuracy ? $"highest {selectionName}" : "lowest final training loss (no cell records a test accuracy)")}, mean over seeds. " +
            "Dashed: least-squares fit of log η* on log β. Grey dots: learning rates tried; red marks: cells that diverged (×), failed (▼) or could not be read (■)." +
            (onePerBeta ? " Each β has a single learning rate in this grid, so η* and its slope restate the grid." : ""),
            Vl.Spec(new { width = Vl.Width, height = Vl.Height, layer = layers }));
    }
}
