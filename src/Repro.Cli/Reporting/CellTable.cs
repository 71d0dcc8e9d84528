using System.Globalization;
using System.Net;
using System.Text;

namespace Repro.Cli.Reporting;

/// <summary>The table of every cell of a section, in grid order, with how it ended: nothing a
/// figure cannot show (a failure's error, an unreadable file) is left out here.</summary>
static class CellTable
{
    public static string Html(IReadOnlyList<CellRow> rows)
    {
        var html = new StringBuilder();
        html.AppendLine("<table class=\"cells\"><thead><tr>" +
                        "<th>cell</th><th>β</th><th>η~</th><th>η</th><th>‖Z0‖</th><th>seed</th><th>extra axes</th>" +
                        "<th>status</th><th>test accuracy</th><th>final train loss</th>" +
                        "<th title=\"measured / predicted entropy change per probed update, dH = -Cov(ln p, dZ): median [quartiles]\">entropy law</th>" +
                        "<th title=\"when the mean entropy fell to ln K / 2, where measured\">t_saturate</th><th>time (s)</th><th>error</th></tr></thead><tbody>");
        foreach (var r in rows.OrderBy(r => r.Beta ?? double.MaxValue).ThenBy(r => r.EtaTilde ?? double.MaxValue)
                     .ThenBy(r => r.Z0 ?? double.MaxValue).ThenBy(r => r.Variant, StringComparer.Ordinal).ThenBy(r => r.Seed ?? 0))
        {
            string status = r.Status == CellRow.Diverged && r.DivergenceStep is { } step ? $"diverged at step {step}" : r.Status;
            string problem = r.Problem ?? "";
            html.Append($"<tr class=\"status-{r.Status}\">")
                .Append(Cell(r.Cell, title: r.Path)).Append(Cell(Number(r.Beta))).Append(Cell(Number(r.EtaTilde))).Append(Cell(Number(r.Eta)))
                .Append(Cell(r.Z0Label)).Append(Cell(r.Seed?.ToString(CultureInfo.InvariantCulture) ?? ""))
                .Append(Cell(r.Variant)).Append(Cell(status)).Append(Cell(Fixed(r.Accuracy, "0.0000"))).Append(Cell(Fixed(r.FinalLoss, "0.0000")))
                .Append(Cell(Fixed(r.TSaturate, "0.#")))
                .Append(Cell(r.EntropyLaw is { } law ? FormattableString.Invariant($"{law.Median:0.00} [{law.Q25:0.00}, {law.Q75:0.00}]") : ""))
                .Append(Cell(Fixed(r.Seconds, "0.0"))).Append(Cell(problem.Split('\n', 2)[0], title: problem))
                .AppendLine("</tr>");
        }
        html.AppendLine("</tbody></table>");
        return html.ToString();
    }

    static string Cell(string text, string? title = null) =>
        title is { Length: > 0 } ? $"<td title=\"{WebUtility.HtmlEncode(title)}\">{WebUtility.HtmlEncode(text)}</td>" : $"<td>{WebUtility.HtmlEncode(text)}</td>";

    // G6: eta = eta~ / beta^2 reads 100, not 99.99999999999999.
    static string Number(double? value) => value?.ToString("G6", CultureInfo.InvariantCulture) ?? "";

    static string Fixed(double? value, string format) => value?.ToString(format, CultureInfo.InvariantCulture) ?? "";
}
