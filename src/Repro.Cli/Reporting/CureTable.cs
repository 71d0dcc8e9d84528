using System.Globalization;
using System.Net;
using System.Text;
using Repro.Dynamics;

namespace Repro.Cli.Reporting;

/// <summary>
/// The cure comparison's accuracies (<see cref="Repro.Harness.CureScan"/>): per slice (the extra axes
/// but the cure) and beta, the grid's own cell at that beta's learning rate beside each cure at each
/// knob, as mean test and validation accuracy over seeds and the runs whose saturation was measured.
/// Which knob and which beta win is the claims table's (C8-C10), chosen by validation accuracy.
/// </summary>
static class CureTable
{
    public const string Title = "The other cures for early saturation, at β = 1 and the best β";

    public static string Html(IReadOnlyList<CellRow> rows)
    {
        var html = new StringBuilder("<table class=\"cures\"><thead><tr><th>slice</th><th>β</th><th>η</th><th>cure</th><th>seeds</th>" +
            "<th>test accuracy (mean)</th><th>validation accuracy (mean)</th><th>t_saturate measured (at least one step)</th></tr></thead><tbody>\n");
        var complete = rows.Where(r => !r.IsBroken && r.Beta is not null && r.Eta is not null).ToList();
        foreach (var at in complete.Where(r => r.Cure is not null).GroupBy(r => (r.Slice, Beta: r.Beta!.Value, Eta: r.Eta!.Value))
                     .OrderBy(g => g.Key.Slice, StringComparer.Ordinal).ThenBy(g => g.Key.Beta))
        {
            var plain = complete.Where(r => r.IsBaselineOf(at.First())).ToList();
            foreach (var group in new[] { ("none (the β cross-entropy alone)", plain) }
                         .Concat(at.GroupBy(r => r.Cure!).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => (g.Key, g.ToList()))))
            {
                var (cure, cells) = group;
                if (cells.Count == 0) continue;
                int measured = cells.Count(r => r.TSaturate is { } t && Crossing.IsATime(t)),
                    firstUpdate = cells.Count(r => r.TSaturate is not null) - measured;
                string saturated = $"{measured} of {cells.Count}" + (firstUpdate > 0 ? $" ({firstUpdate} within the first update)" : "");
                html.Append(CultureInfo.InvariantCulture,
                    $"<tr><td>{WebUtility.HtmlEncode(at.Key.Slice)}</td><td>{at.Key.Beta:G6}</td><td>{at.Key.Eta:G6}</td><td>{WebUtility.HtmlEncode(cure)}</td>" +
                    $"<td>{cells.Count}</td><td>{Mean(cells, r => r.Accuracy)}</td><td>{Mean(cells, r => r.ValAccuracy)}</td>" +
                    $"<td>{saturated}</td></tr>\n");
            }
        }
        return html.Append("</tbody></table>\n").ToString();
    }

    static string Mean(IReadOnlyList<CellRow> cells, Func<CellRow, double?> metric)
    {
        var values = cells.Select(metric).Where(v => v is not null).Select(v => v!.Value).ToList();
        return values.Count > 0 ? values.Average().ToString("0.0000", CultureInfo.InvariantCulture) : "";
    }
}
