using Repro.Harness;

namespace Repro.Cli.Reporting;

/// <summary>
/// Training loss against eta~ * t for several beta (log-log): THEORY.md's collapse, where runs at
/// equal eta~ and ||Z0|| follow one curve early on whatever their beta. One slice of the grid
/// (the smallest seed, the ||Z0|| with the most betas, the first extra-axis combination) keeps
/// the picture readable; diverged runs end in a cross.
/// </summary>
static class LossCollapseFigure
{
    public const string Name = "loss-collapse", Title = "Training loss vs η~·t";
    const int MaxPoints = 200;

    public static Figure Of(IReadOnlyList<CellRow> rows)
    {
        var withCurves = rows.Where(r => r.TrainLoss is { Steps.Count: > 1 } && r.Beta is not null && r.EtaTilde is not null).ToList();
        if (withCurves.Count == 0) return Figure.Missing(Name, Title, Absence.NoLossCurve);
        int seed = withCurves.Min(r => r.Seed ?? 0);
        string z0 = withCurves.Where(r => (r.Seed ?? 0) == seed).GroupBy(r => r.Z0Label)
            .OrderByDescending(g => g.Select(r => r.Beta).Distinct().Count()).ThenBy(g => g.Key, StringComparer.Ordinal).First().Key;
        string variant = withCurves.Where(r => (r.Seed ?? 0) == seed && r.Z0Label == z0).Select(r => r.Variant).Order(StringComparer.Ordinal).First();
        var slice = withCurves.Where(r => (r.Seed ?? 0) == seed && r.Z0Label == z0 && r.Variant == variant).OrderBy(r => r.Beta).ToList();

        var betas = slice.Select(r => Axis.FormatNumber(r.Beta!.Value)).Distinct().ToArray();
        var points = slice.SelectMany(r => Points(r).Select(p => new { s = p.S, loss = p.Loss, beta = Axis.FormatNumber(r.Beta!.Value), etat = Axis.FormatNumber(r.EtaTilde!.Value), cell = r.Cell }));
        var ends = slice.Where(r => r.Status == CellRow.Diverged).Select(r => (r, last: Points(r).LastOrDefault()))
            .Where(e => e.last.S > 0).Select(e => new { s = e.last.S, loss = e.last.Loss, cell = e.r.Cell, status = e.r.Status }).ToList();
        bool severalRates = slice.Select(r => r.EtaTilde).Distinct().Count() > 1;
        var x = new { field = "s", type = "quantitative", scale = new { type = "log" }, axis = new { title = "η~ · t" } };
        var y = new { field = "loss", type = "quantitative", scale = new { type = "log" }, axis = new { title = "training loss" } };
        var layers = new List<object>
        {
            new
            {
                data = new { values = points },
                mark = new { type = "line", strokeWidth = 1.5, opacity = 0.85 },
                encoding = new
                {
                    x, y,
                    color = new { field = "beta", type = "ordinal", sort = betas, scale = new { scheme = "viridis" }, legend = new { title = "β" } },
                    strokeDash = severalRates ? new { field = "etat", type = "nominal", legend = new { title = "η~" } } : null,
                    detail = new { field = "cell" },
                    tooltip = new object[] { new { field = "cell" }, new { field = "s", title = "η~·t" }, new { field = "loss", format = ".4g" } },
                },
            },
        };
        if (ends.Count > 0)
            layers.Add(new
            {
                data = new { values = ends },
                mark = new { type = "point", shape = "cross", size = 90, filled = true, color = Vl.BrokenColor },
                encoding = new { x, y, tooltip = new object[] { new { field = "cell" }, new { field = "status" } } },
            });
        return new Figure(Name, Title,
            $"Seed {seed}, ‖Z0‖ = {z0}{(variant.Length > 0 ? $", {variant}" : "")}: one curve per cell, coloured by β" +
            (severalRates ? ", dashed by η~" : "") + ". At equal η~ and ‖Z0‖ the curves coincide early across β. A cross ends a run that diverged.",
            Vl.Spec(new { width = Vl.Width, height = Vl.Height, layer = layers }));
    }

    /// <summary>The curve at t >= 1 as (eta~ t, loss), finite and positive values only, thinned to at most MaxPoints.</summary>
    static List<(double S, double Loss)> Points(CellRow row)
    {
        var curve = row.TrainLoss!;
        var all = curve.Steps.Zip(curve.Values).Where(p => p.First >= 1 && double.IsFinite(p.Second) && p.Second > 0).ToList();
        int stride = Math.Max(1, (all.Count + MaxPoints - 1) / MaxPoints);
        return all.Where((_, i) => i % stride == 0 || i == all.Count - 1).Select(p => (row.EtaTilde!.Value * p.First, p.Second)).ToList();
    }
}
