using System.Globalization;
using System.Net;
using System.Text;
using Repro.Harness;

namespace Repro.Cli.Reporting;

/// <summary>A section's claims table (README "The claims as verdicts"), at the top of its page: each
/// claim with what was measured, its value and 95% interval over seeds, the verdict and its rule, and
/// the cells it used or why it could not be measured.</summary>
static class ClaimsHtml
{
    public static string Html(IReadOnlyList<(string Variant, Claim Claim)> claims)
    {
        var html = new StringBuilder();
        html.AppendLine("<table class=\"claims\"><thead><tr><th>claim</th><th>variant</th><th>the paper says</th><th>measured</th>" +
                        "<th>value</th><th>95% interval</th><th>verdict</th><th>rule</th><th>cells used</th></tr></thead><tbody>");
        foreach (var (variant, c) in claims)
            html.Append($"<tr class=\"verdict-{c.Verdict.ToString().ToLowerInvariant()}\">")
                .Append(Cell(c.Id)).Append(Cell(variant)).Append(Cell(c.Statement)).Append(Cell(c.Measure))
                .Append(Cell(Fmt(c.Value))).Append(Cell(double.IsFinite(c.Low) ? $"[{Fmt(c.Low)}, {Fmt(c.High)}]" : "none"))
                .Append(Cell(VerdictRules.Name(c.Verdict))).Append(Cell(c.Rule)).Append(Cell(c.Cells))
                .AppendLine("</tr>");
        html.AppendLine("</tbody></table>");
        return html.ToString();
    }

    static string Cell(string text) => $"<td>{WebUtility.HtmlEncode(text)}</td>";

    static string Fmt(double v) => double.IsFinite(v) ? v.ToString("0.###", CultureInfo.InvariantCulture) : "n/a";
}
