namespace Repro.Cli.Reporting;

/// <summary>
/// When learning starts, t_learn (r = ||Z_t - Z_0|| / ||Z_0|| reaches 0.5), against beta on log-log
/// axes, every complete cell: a filled point where it was measured between two probes, a triangle at
/// the bound where it was censored (up: later than the last probe; down: at or before the first),
/// never a number it was not measured at. THEORY.md: tau_z ~ ||Z0|| / eta~, so at eta~ ~ beta it falls as 1/beta.
/// </summary>
static class TLearnFigure
{
    public const string Name = "t-learn-vs-beta", Title = "t_learn vs β (when learning starts)";

    public static Figure Of(IReadOnlyList<CellRow> rows)
    {
        var cells = rows.Where(r => !r.IsBroken && r.Beta is not null && (r.TLearn is not null || r.TLearnBound is not null)).ToList();
        if (cells.Count == 0)
            return Figure.Missing(Name, Title, "No complete cell records t_learn (scalar t_learn, or its bound t_learn_bound when censored).");
        var values = cells.Select(r => new
        {
            beta = r.Beta,
            t = r.TLearn ?? r.TLearnBound,
            series = r.Series,
            etat = r.EtaTilde,
            measured = r.TLearnCensoring switch { 1 => "> bound (not reached)", -1 => "≤ bound (at the first probe)", _ => "measured" },
            cell = r.Cell,
        });
        var y = new { field = "t", type = "quantitative", scale = new { type = "log" }, axis = new { title = "t_learn (steps)" } };
        var shape = new
        {
            field = "measured", type = "nominal",
            scale = new { domain = new[] { "measured", "> bound (not reached)", "≤ bound (at the first probe)" }, range = new[] { "circle", "triangle-up", "triangle-down" } },
            legend = new { title = "t_learn" },
        };
        var layers = new List<object>
        {
            new
            {
                data = new { values },
                mark = new { type = "point", filled = true, size = 50, opacity = 0.8 },
                encoding = new
                {
                    x = Vl.BetaX, y, shape,
                    color = new { field = "series", type = "nominal", legend = new { title = "‖Z0‖" } },
                    tooltip = new object[] { new { field = "cell" }, new { field = "etat", title = "η~" }, new { field = "t", format = ".3g" }, new { field = "measured" } },
                },
            },
        };
        layers.AddRange(Vl.BetaOneLayers);
        int censored = cells.Count(r => r.TLearnCensoring is 1 or -1);
        return new Figure(Name, Title,
            "Each complete cell's t_learn (every η~ of the grid), the step where r = ‖Z_t − Z_0‖/‖Z_0‖ reaches 0.5, interpolated between the two probes around it. " +
            $"Triangles: censored ({censored} of {cells.Count}), drawn at the probe step that bounds them. Diverged cells have none. THEORY.md: τ_z ~ ‖Z0‖/η~.",
            Vl.Spec(new { width = Vl.Width, height = Vl.Height, layer = layers }));
    }
}
