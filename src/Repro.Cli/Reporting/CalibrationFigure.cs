namespace Repro.Cli.Reporting;

/// <summary>
/// Expected calibration error on the test split against beta, as trained (T = 1) and after
/// temperature scaling (T* fitted on the validation split), at each beta's selected learning rate
/// (seed means), one pair of lines per ||Z0|| (and extra axes). A post-hoc temperature changes no
/// prediction: what T* removes is confidence, and accuracy differences across beta that remain are
/// dynamical (THEORY.md, "Calibration").
/// </summary>
static class CalibrationFigure
{
    public const string Name = "ece-vs-beta", Title = "Calibration (ECE) vs β, before and after T*";
    const string AsTrained = "as trained (T = 1)", AfterTStar = "after T* (fitted on validation)";

    public static Figure Of(IReadOnlyList<CellRow> rows)
    {
        if (!rows.Any(r => !r.IsBroken && r.Ece is not null && r.EceTStar is not null))
            return Figure.Missing(Name, Title, "No complete cell records its calibration (scalars test_ece and test_ece_t_star).");
        var values = new[] { (AsTrained, (Func<CellRow, double?>)(r => r.Ece)), (AfterTStar, r => r.EceTStar) }
            .SelectMany(kind => SeedMeans.AtSelected(rows, kind.Item2).Select(m => new { beta = m.Beta, ece = m.Mean, series = m.Series, when = kind.Item1, etat = m.EtaTilde }))
            .ToList();
        var layers = new List<object>
        {
            new
            {
                data = new { values },
                mark = new { type = "line", point = true },
                encoding = new
                {
                    x = Vl.BetaX,
                    y = new { field = "ece", type = "quantitative", axis = new { title = "ECE (15 bins, test split)" } },
                    color = new { field = "series", type = "nominal", legend = new { title = "‖Z0‖" } },
                    strokeDash = new
                    {
                        field = "when", type = "nominal",
                        scale = new { domain = new[] { AsTrained, AfterTStar }, range = new[] { new[] { 1, 0 }, new[] { 6, 3 } } },
                        legend = new { title = "temperature", symbolType = "stroke", symbolStrokeWidth = 2, symbolStrokeColor = "#333" },
                    },
                    tooltip = new object[] { new { field = "series" }, new { field = "beta" }, new { field = "etat", title = "η~" }, new { field = "when" }, new { field = "ece", format = ".4f" } },
                },
            },
        };
        layers.AddRange(Vl.BetaOneLayers);
        return new Figure(Name, Title,
            $"Test-split ECE at each β's learning rate with the best {SeedMeans.Selection(rows).Name} (mean over seeds): solid as trained, dashed after the " +
            "post-hoc temperature T* that minimises the validation split's NLL. T* changes no prediction, so accuracy is the same on both lines' cells.",
            Vl.Spec(new { width = Vl.Width, height = Vl.Height, layer = layers }));
    }
}
