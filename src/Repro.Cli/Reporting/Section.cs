using System.Text.RegularExpressions;
using Repro.Harness;

namespace Repro.Cli.Reporting;

/// <summary>The part of a report for one experiment's tier: its figures and its cells.</summary>
public sealed partial class Section
{
    public string Experiment { get; }
    public string Tier { get; }
    public IReadOnlyList<CellRow> Rows { get; }
    public IReadOnlyList<Figure> Figures { get; }
    /// <summary>The paper's claims measured over the section's readable records.</summary>
    public IReadOnlyList<(string Variant, Claim Claim)> Claims { get; }

    public Section(string experiment, string tier, IReadOnlyList<CellRow> rows, IReadOnlyList<RunRecord> records)
    {
        (Experiment, Tier, Rows) = (experiment, tier, rows);
        Claims = ClaimsTable.ForRecords(records);
        // The figures draw the grid's own cells; a cure comparison's have their table (CureTable).
        var grid = rows.Where(r => r.Cure is null).ToList();
        Figures =
        [
            AccuracyVsBetaFigure.Of(grid),
            AccuracyHeatmapFigure.Of(grid),
            LossCollapseFigure.Of(grid),
            BestEtaFigure.Of(grid),
            TLearnFigure.Of(grid),
            CalibrationFigure.Of(grid),
            SeedSpreadFigure.Of(grid),
            // Only where a cure comparison ran: elsewhere there is nothing for it to be absent from.
            .. rows.Any(r => r.Cure is not null) ? [EntropyByCureFigure.Of(rows)] : Array.Empty<Figure>(),
        ];
    }

    /// <summary>An HTML id and file name: `logreg-synthetic-smoke`.</summary>
    public string Id => Safe($"{Experiment}-{Tier}");

    public string FigureId(Figure figure) => $"{Id}-{figure.Name}";

    static string Safe(string text) => Unsafe().Replace(text.ToLowerInvariant(), "-");

    [GeneratedRegex("[^a-z0-9-]+")]
    private static partial Regex Unsafe();
}
