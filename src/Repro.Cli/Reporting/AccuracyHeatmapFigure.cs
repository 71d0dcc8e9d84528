using System.Globalization;
using Repro.Harness;

namespace Repro.Cli.Reporting;

/// <summary>A beta x ||Z0|| heatmap of test accuracy at the best learning rate (seed mean); a
/// square where no cell finished is grey and says why (diverged, failed, unreadable). One panel
/// per combination of extra axes.</summary>
static class AccuracyHeatmapFigure
{
    public const string Name = "accuracy-heatmap", Title = "Test accuracy over β × ‖Z0‖";

    public static Figure Of(IReadOnlyList<CellRow> rows)
    {
        if (!rows.Any(r => r.Accuracy is not null && !r.IsBroken))
            return Figure.Missing(Name, Title, Absence.NoAccuracy);
        var best = SeedMeans.AtSelected(rows, r => r.Accuracy)
            .ToDictionary(m => (m.Variant, m.Z0Label, m.Beta));
        var squares = rows.Where(r => r.Beta is not null)
            .GroupBy(r => (r.Variant, r.Z0Label, Beta: r.Beta!.Value))
            .Select(g => best.TryGetValue(g.Key, out var m)
                ? new Square(g.Key.Variant, g.Key.Z0Label, g.Key.Beta, m.Mean, m.Mean.ToString("0.000", CultureInfo.InvariantCulture))
                : new Square(g.Key.Variant, g.Key.Z0Label, g.Key.Beta, null, Why(g)))
            .ToList();
        var betas = squares.Select(s => s.Beta).Distinct().Order().Select(Axis.FormatNumber).ToArray();
        var z0s = squares.Select(s => s.Z0Label).Distinct().OrderBy(z => z == "init" ? double.PositiveInfinity : double.Parse(z, CultureInfo.InvariantCulture))
            .Reverse().ToArray();  // largest ||Z0|| on top
        double low = squares.Where(s => s.Accuracy is not null).Min(s => s.Accuracy!.Value);
        double high = squares.Where(s => s.Accuracy is not null).Max(s => s.Accuracy!.Value);
        var values = squares.Select(s => new { beta = Axis.FormatNumber(s.Beta), z0 = s.Z0Label, variant = s.Variant, accuracy = s.Accuracy, text = s.Text });
        var x = new { field = "beta", type = "ordinal", sort = betas, axis = new { title = "β", labelAngle = 0 } };
        var y = new { field = "z0", type = "ordinal", sort = z0s, axis = new { title = "‖Z0‖" } };
        var layers = new object[]
        {
            new
            {
                transform = new[] { new { filter = "datum.accuracy != null" } },
                mark = "rect",
                encoding = new { x, y, color = new { field = "accuracy", type = "quantitative", scale = new { scheme = "viridis" }, legend = new { title = "accuracy" } } },
            },
            new
            {
                transform = new[] { new { filter = "datum.accuracy == null" } },
                mark = new { type = "rect", color = "#d9d9d9" },
                encoding = new { x, y },
            },
            new
            {
                mark = new { type = "text", fontSize = 10 },
                encoding = new
                {
                    x, y, text = new { field = "text" },
                    color = new
                    {
                        condition = new { test = $"datum.accuracy != null && datum.accuracy < {((low + high) / 2).ToString("R", CultureInfo.InvariantCulture)}", value = "white" },
                        value = "black",
                    },
                },
            },
        };
        // One panel per variant, side by side while they fit the page's figure width (HtmlPage:
        // 560 px with the legend), else one above the other.
        int panels = squares.Select(s => s.Variant).Distinct().Count();
        int height = Math.Max(120, 28 * z0s.Length);
        bool sideBySide = panels * 32 * betas.Length <= Vl.Width;
        int width = panels == 1 ? Math.Max(Vl.Width, 32 * betas.Length)
            : sideBySide ? Math.Max(32 * betas.Length, (Vl.Width + 20) / panels - 10)
            : Math.Max(32 * betas.Length, Vl.Width - 80);  // room for the row headers
        var facet = new Dictionary<string, object> { [sideBySide ? "column" : "row"] = new { field = "variant", title = "" } };
        object spec = panels > 1
            ? new { data = new { values }, facet, spec = new { width, height, layer = layers } }
            : new { data = new { values }, width, height, layer = layers };
        return new Figure(Name, Title,
            $"Each square: test accuracy at the learning rate with the best {SeedMeans.Selection(rows).Name} for that β and ‖Z0‖ (mean over seeds). Grey: no cell there finished; the text says how they ended.",
            Vl.Spec(spec));
    }

    sealed record Square(string Variant, string Z0Label, double Beta, double? Accuracy, string Text);

    /// <summary>How the cells of a square without a complete one ended: "diverged", "failed", "2 diverged, 1 failed".</summary>
    static string Why(IEnumerable<CellRow> cells)
    {
        var counts = cells.GroupBy(c => c.Status).OrderBy(g => Array.IndexOf(CellRow.Statuses, g.Key)).ToList();
        if (counts.Count == 1) return counts[0].Key;
        return string.Join(", ", counts.Select(g => $"{g.Count()} {g.Key}"));
    }
}
