using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Repro.Cli.Reporting;

/// <summary>
/// The report as one self-contained HTML page: Vega, Vega-Lite and Vega-Embed inlined (it works
/// offline, from a file:// URL or an e-mail attachment), each figure's spec with its data inline,
/// drawn as SVG by Vega-Embed, and each section's table of cells. When every figure has been drawn
/// the body gets data-rendered="ok" ("errors" if one failed; the failure is also logged to the
/// console and written into the figure), which is what the tests wait for.
/// </summary>
static class HtmlPage
{
    public static string Html(string title, string source, IReadOnlyList<Section> sections, ReportAssets assets, DateTimeOffset generated)
    {
        var html = new StringBuilder();
        string t = WebUtility.HtmlEncode(title);
        html.AppendLine($"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{t}</title>");
        html.AppendLine($"<style>{Style}</style>");
        foreach (var (package, path) in assets.Scripts)
            html.AppendLine($"<script>/* {package} {assets.Version(package)} */\n{File.ReadAllText(path).Replace("</script", "<\\/script", StringComparison.OrdinalIgnoreCase)}\n</script>");
        html.AppendLine("</head>\n<body>");
        html.AppendLine($"<h1>{t}</h1>");
        var rows = sections.SelectMany(s => s.Rows).ToList();
        html.AppendLine($"<p class=\"meta\">{rows.Count} records from <code>{WebUtility.HtmlEncode(source)}</code>: " +
                        string.Join(", ", CellRow.Statuses.Select(s => $"{rows.Count(r => r.Status == s)} {s}")) +
                        $". Generated {generated.ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture)} by repro report " +
                        $"(Vega {assets.Version("vega")}, Vega-Lite {assets.Version("vega-lite")}).</p>");
        html.AppendLine("<nav><ul>" + string.Concat(sections.Select(s => $"<li><a href=\"#{s.Id}\">{WebUtility.HtmlEncode($"{s.Experiment} / {s.Tier}")}</a></li>")) + "</ul></nav>");

        var specs = new JsonObject();
        foreach (var section in sections)
        {
            html.AppendLine($"<section id=\"{section.Id}\">\n<h2>{WebUtility.HtmlEncode($"{section.Experiment} / {section.Tier}")}</h2>");
            html.AppendLine("<h3>The paper's claims at this scale</h3>");
            html.Append(ClaimsHtml.Html(section.Claims));
            html.AppendLine("<div class=\"figures\">");
            foreach (var figure in section.Figures)
            {
                string id = section.FigureId(figure);
                html.AppendLine($"<figure class=\"figure\" id=\"{id}\" data-figure=\"{figure.Name}\">");
                html.AppendLine($"<h3>{WebUtility.HtmlEncode(figure.Title)}</h3>");
                if (figure.Spec is { } spec)
                {
                    specs[id] = spec.DeepClone();
                    html.AppendLine($"<div class=\"chart\"></div>\n<figcaption>{WebUtility.HtmlEncode(figure.Caption)} <a href=\"figures/{id}.svg\">SVG</a> · <a href=\"specs/{id}.vl.json\">spec</a></figcaption>");
                }
                else
                    html.AppendLine($"<p class=\"absent\">{WebUtility.HtmlEncode(figure.Absent ?? "")}</p>");
                html.AppendLine("</figure>");
            }
            html.AppendLine("</div>");
            if (section.Rows.Any(r => r.Cure is not null))
            {
                html.AppendLine($"<h3>{WebUtility.HtmlEncode(CureTable.Title)}</h3>");
                html.Append(CureTable.Html(section.Rows));
            }
            html.AppendLine($"<h3>{WebUtility.HtmlEncode(EntropyLawTable.Title)}</h3>");
            html.Append(EntropyLawTable.Html(section.Rows));
            html.AppendLine("<h3>Cells</h3>");
            html.Append(CellTable.Html(section.Rows));
            html.AppendLine("</section>");
        }

        // The default encoder escapes <, > and & in the JSON, so no spec can close the script.
        html.AppendLine($"<script>\nconst figures = {specs.ToJsonString(new JsonSerializerOptions())};\n{Draw}\n</script>");
        html.AppendLine("</body>\n</html>");
        return html.ToString();
    }

    const string Draw = """
        let failed = 0;
        Promise.all(Object.entries(figures).map(([id, spec]) => {
          const chart = document.querySelector('#' + id + ' .chart');
          return vegaEmbed(chart, spec, { renderer: 'svg', actions: false }).catch(error => {
            failed++;
            console.error('figure ' + id + ': ' + error);
            chart.textContent = 'This figure could not be drawn: ' + error;
          });
        })).then(() => { document.body.dataset.rendered = failed ? 'errors' : 'ok'; });
        """;

    const string Style = """
        body { font-family: system-ui, sans-serif; margin: 2em; color: #222; }
        h1 { margin-bottom: 0.2em; } .meta { color: #555; }
        nav ul { padding-left: 1.2em; }
        section { margin-top: 2.5em; border-top: 1px solid #ddd; }
        .figures { display: flex; flex-wrap: wrap; gap: 1.5em; }
        figure { margin: 0; max-width: 560px; }
        figure h3 { margin: 0.8em 0 0.3em; font-size: 1em; }
        figcaption { font-size: 0.85em; color: #555; }
        .absent { font-style: italic; color: #777; border: 1px dashed #ccc; padding: 1em; }
        table.cells { border-collapse: collapse; font-size: 0.8em; }
        table.cells th, table.cells td { border: 1px solid #ddd; padding: 2px 6px; text-align: left; white-space: nowrap; }
        tr.status-diverged td { background: #fdecea; } tr.status-failed td { background: #f3d3d3; font-weight: bold; }
        tr.status-unreadable td { background: #eee; color: #666; }
        table.claims { border-collapse: collapse; font-size: 0.8em; margin-bottom: 1em; }
        table.claims th, table.claims td { border: 1px solid #ddd; padding: 2px 6px; text-align: left; vertical-align: top; }
        table.claims td:nth-child(9) { max-width: 32em; color: #555; }
        tr.verdict-consistent td:nth-child(7) { background: #e3f4e1; } tr.verdict-inconsistent td:nth-child(7) { background: #fdecea; }
        tr.verdict-inconclusive td:nth-child(7) { background: #f3f3f3; color: #555; }
        """;
}
