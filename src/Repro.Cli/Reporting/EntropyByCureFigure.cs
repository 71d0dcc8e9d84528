using Repro.Dynamics;
using Repro.Harness;

namespace Repro.Cli.Reporting;

/// <summary>
/// The cure comparison's mean prediction entropy on the probe batch against eta~ * t (log x), one
/// panel per slice and beta of the comparison: the grid's own cell there (the beta cross-entropy
/// alone, black) beside every cure at every knob, coloured by cure. A dot marks t_saturate, where
/// a curve falls to ln K / 2 (so the dots of one K lie on one level); a run that never gets there,
/// or gets there within the first update (no time, <see cref="Crossing.IsATime"/>), has none. The
/// smallest seed keeps the panels readable; the accuracies are the cure table's.
/// </summary>
static class EntropyByCureFigure
{
    public const string Name = "entropy-by-cure", Title = "Entropy vs η~·t, per cure";
    const string None = "none", CurveKind = "curve", DotKind = "t_saturate";

    public static Figure Of(IReadOnlyList<CellRow> rows)
    {
        var usable = rows.Where(r => r.Entropy is { Steps.Count: > 1 } && r.Beta is not null && r.Eta is not null && r.EtaTilde is not null).ToList();
        var cures = usable.Where(r => r.Cure is not null).ToList();
        if (cures.Count == 0)
            return Figure.Missing(Name, Title, "No cure-comparison cell records an entropy curve (curve entropy, keyed by step).");
        int seed = cures.Min(r => r.Seed ?? 0);
        var panels = cures.Where(r => (r.Seed ?? 0) == seed).GroupBy(r => (r.Slice, Beta: r.Beta!.Value, Eta: r.Eta!.Value, r.Z0))
            .OrderBy(g => g.Key.Slice, StringComparer.Ordinal).ThenBy(g => g.Key.Beta).ToList();

        var families = new[] { None }.Concat(cures.Select(r => r.CureName!).Distinct().Order(StringComparer.Ordinal)).ToArray();
        string[] palette = ["#000000", "#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf"];
        var color = new
        {
            field = "family", type = "nominal", sort = families,
            scale = new { domain = families, range = families.Select((_, i) => palette[i % palette.Length]).ToArray() },
            legend = new { title = "cure" },
        };
        var x = new { field = "s", type = "quantitative", scale = new { type = "log" }, axis = new { title = "η~ · t" } };
        var y = new { field = "entropy", type = "quantitative", axis = new { title = "mean entropy (nats)" } };
        var tooltip = new object[] { new { field = "cell" }, new { field = "cure" }, new { field = "s", title = "η~·t", format = ".3g" }, new { field = "entropy", format = ".3f" } };
        object Layer(IReadOnlyList<object> values, object mark) => new
        {
            data = new { values }, mark, encoding = new { x, y, color, detail = new { field = "cell" }, tooltip },
        };

        // One view per slice and beta that ran cures (a slice whose best beta is 1 has one), each with
        // its own range of eta~ t (eta~ = eta beta^2 lies decades apart between betas) and its own data:
        // a layer without points (no run saturated there) would leave Vega an empty x extent.
        var views = new List<object>();
        foreach (var panel in panels)
        {
            var plain = usable.Where(r => (r.Seed ?? 0) == seed && r.IsBaselineOf(panel.First()));
            string title = $"{(panel.Key.Slice.Length > 0 ? panel.Key.Slice : "all")}, β = {Axis.FormatNumber(panel.Key.Beta)}";
            var curves = new List<object>();
            var dots = new List<object>();
            foreach (var row in plain.Concat(panel.OrderBy(r => r.Cure, StringComparer.Ordinal)))
            {
                string cure = row.Cure ?? None, family = row.CureName ?? None;
                curves.AddRange(Points(row).Select(p => new { kind = CurveKind, s = p.S, entropy = p.Entropy, cure, family, panel = title, cell = row.Cell }));
                // A crossing within the first update is no time, and lies left of the curve's first point.
                if (row.TSaturate is { } t && Crossing.IsATime(t) && Interpolate(row.Entropy!, t) is { } level)
                    dots.Add(new { kind = DotKind, s = row.EtaTilde!.Value * t, entropy = level, cure, family, panel = title, cell = row.Cell });
            }
            var layers = new List<object> { Layer(curves, new { type = "line", strokeWidth = 1.3, opacity = 0.8 }) };
            if (dots.Count > 0) layers.Add(Layer(dots, new { type = "point", filled = true, size = 40, opacity = 1 }));
            views.Add(new { title, width = Vl.Width / 2, height = Vl.Height * 2 / 3, layer = layers });
        }

        return new Figure(Name, Title,
            $"Seed {seed}: one curve per cell of the cure comparison, one panel per slice and β (β = 1 and the best β), each at that β's η*, " +
            "coloured by cure, black for the β cross-entropy alone; the cure's knobs share its colour (hover for the cell). " +
            "A dot marks t_saturate, where the curve falls to ln K / 2; a curve without one never did within the run, " +
            "or did within the first update (between steps 0 and 1, left of its first point; the cure table counts those).",
            Vl.Spec(new { concat = views, columns = 2, resolve = new { scale = new { x = "independent", y = "shared" } } }));
    }

    /// <summary>The curve at t >= 1 as (eta~ t, entropy), finite values only.</summary>
    static IEnumerable<(double S, double Entropy)> Points(CellRow row) =>
        row.Entropy!.Steps.Zip(row.Entropy.Values).Where(p => p.First >= 1 && double.IsFinite(p.Second))
            .Select(p => (row.EtaTilde!.Value * p.First, p.Second));

    /// <summary>The curve's value at step <paramref name="t"/>, linear between the two probes around
    /// it (as t_saturate's crossing is found); null outside the curve.</summary>
    static double? Interpolate(Curve curve, double t)
    {
        for (int i = 1; i < curve.Steps.Count; i++)
            if (curve.Steps[i - 1] <= t && t <= curve.Steps[i])
            {
                double a = curve.Steps[i - 1], b = curve.Steps[i], fraction = b > a ? (t - a) / (b - a) : 0;
                return curve.Values[i - 1] + fraction * (curve.Values[i] - curve.Values[i - 1]);
            }
        return null;
    }
}
