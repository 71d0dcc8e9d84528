using System.Globalization;
using System.Net;
using System.Text;

namespace Repro.Cli.Reporting;

/// <summary>
/// How well the covariance law of entropy, dH = -Cov(ln p, dZ) to first order, held at each beta:
/// over the complete cells of that beta (every learning rate, ||Z0||, extra axis and seed), the
/// median of their per-run median ratios of measured to predicted entropy change, and the medians
/// of their quartiles. A ratio of 1 is the law exactly; above 1 the entropy moved more than the
/// first-order term says (the second-order term of a near-uniform softmax lowers it further).
/// </summary>
static class EntropyLawTable
{
    public const string Title = "The entropy covariance law per β";

    public static string Html(IReadOnlyList<CellRow> rows)
    {
        var measured = rows.Where(r => !r.IsBroken && r.Beta is not null && r.EntropyLaw is not null).ToList();
        if (measured.Count == 0)
            return "<p class=\"absent\">No complete cell records the entropy covariance law (scalars entropy_cov_ratio_*).</p>\n";
        var html = new StringBuilder("<table class=\"entropy-law\"><thead><tr><th>β</th><th>cells</th>" +
            "<th>measured / predicted entropy change (median over cells)</th><th>quartiles (medians over cells)</th></tr></thead><tbody>\n");
        foreach (var beta in measured.GroupBy(r => r.Beta!.Value).OrderBy(g => g.Key))
        {
            var laws = beta.Select(r => r.EntropyLaw!.Value).ToList();
            html.Append(CultureInfo.InvariantCulture,
                $"<tr><td>{beta.Key.ToString("G6", CultureInfo.InvariantCulture)}</td><td>{laws.Count}</td>" +
                $"<td>{Median(laws.Select(l => l.Median)):0.000}</td><td>[{Median(laws.Select(l => l.Q25)):0.000}, {Median(laws.Select(l => l.Q75)):0.000}]</td></tr>\n");
        }
        html.Append("</tbody></table>\n<p class=\"caption\">").Append(WebUtility.HtmlEncode(
            "Each run measures, on the probe batch, the update from every probe step to the next: the change of the mean softmax " +
            "entropy and its first-order prediction -Cov(ln p, dZ). 1 is the law exactly.")).Append("</p>\n");
        return html.ToString();
    }

    static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        int middle = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
