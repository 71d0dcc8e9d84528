namespace Repro.Cli.Reporting;

/// <summary>Test accuracy against beta (log axis), beta = 1 marked: every complete cell as a grey
/// dot, a line per ||Z0|| (and extra axes) through the best learning rate's seed mean, and red marks
/// at the bottom for cells that diverged, failed or could not be read.</summary>
static class AccuracyVsBetaFigure
{
    public const string Name = "accuracy-vs-beta", Title = "Test accuracy vs β";

    public static Figure Of(IReadOnlyList<CellRow> rows)
    {
        if (!rows.Any(r => r.Accuracy is not null && !r.IsBroken))
            return Figure.Missing(Name, Title, Absence.NoAccuracy);
        var best = SeedMeans.AtSelected(rows, r => r.Accuracy)
            .Select(m => new { beta = m.Beta, accuracy = m.Mean, series = m.Series, etat = m.EtaTilde, seeds = m.Seeds });
        var cells = rows.Where(r => !r.IsBroken && r.Accuracy is not null && r.Beta is not null)
            .Select(r => new { beta = r.Beta, accuracy = r.Accuracy, cell = r.Cell });
        var broken = rows.Where(r => r.IsBroken && r.Beta is not null)
            .Select(r => (object)new { beta = r.Beta, accuracy = 0.0, cell = r.Cell, status = r.Status }).ToList();
        var y = new { field = "accuracy", type = "quantitative", scale = new { domain = new[] { 0.0, 1.0 } }, axis = new { title = "test accuracy" } };
        var layers = new List<object>
        {
            new
            {
                data = new { values = cells },
                mark = new { type = "point", color = "#9d9d9d", opacity = 0.5, size = 20 },
                encoding = new { x = Vl.BetaX, y, tooltip = new object[] { new { field = "cell" }, new { field = "accuracy", format = ".4f" } } },
            },
            new
            {
                data = new { values = best },
                mark = new { type = "line", point = true },
                encoding = new
                {
                    x = Vl.BetaX, y,
                    color = new { field = "series", type = "nominal", legend = new { title = "selected η~ per β" } },
                    tooltip = new object[] { new { field = "series" }, new { field = "beta" }, new { field = "etat", title = "η~" }, new { field = "accuracy", format = ".4f" }, new { field = "seeds" } },
                },
            },
        };
        if (broken.Count > 0) layers.Add(Vl.BrokenLayer(broken, "accuracy"));
        layers.AddRange(Vl.BetaOneLayers);
        return new Figure(Name, Title,
            $"Grey dots: every complete cell. Lines: test accuracy at each β's learning rate with the best {SeedMeans.Selection(rows).Name} (mean over seeds), " +
            "one line per ‖Z0‖ (and extra axes). Red marks at 0: cells that diverged (×), failed (▼) or could not be read (■). Dashed: β = 1.",
            Vl.Spec(new { width = Vl.Width, height = Vl.Height, layer = layers }));
    }
}
