using Repro.Harness;

namespace Repro.Cli.Reporting;

/// <summary>
/// Writes a report of run records into a folder: index.html (self-contained, see
/// <see cref="HtmlPage"/>), figures/&lt;section&gt;-&lt;figure&gt;.svg rendered by vega-cli, and
/// specs/&lt;section&gt;-&lt;figure&gt;.vl.json (the Vega-Lite spec of each, data inline). One
/// section per experiment and tier.
/// </summary>
public static class ReportWriter
{
    /// <summary>Writes the report; returns the path of index.html.</summary>
    public static string Write(IReadOnlyList<StoredRecord> records, string folder, string title, Action<string> warn)
    {
        if (records.Count == 0) throw new ReportException($"there are no run records to report (a report reads {StoredRecords.Layout})");
        var assets = ReportAssets.Locate();
        folder = Path.GetFullPath(folder);
        var sections = records.GroupBy(r => (r.Experiment, r.Tier))
            .OrderBy(g => g.Key.Experiment, StringComparer.Ordinal).ThenBy(g => TierOrder(g.Key.Tier))
            .Select(g => new Section(g.Key.Experiment, g.Key.Tier, g.Select(CellRow.Of).ToList(), g.Where(r => r.Record is not null).Select(r => r.Record!).ToList()))
            .ToList();

        string specs = Fresh(Path.Combine(folder, "specs")), figures = Fresh(Path.Combine(folder, "figures"));
        var jobs = new List<(string Spec, string Svg)>();
        foreach (var section in sections)
            foreach (var figure in section.Figures.Where(f => f.Spec is not null))
            {
                string id = section.FigureId(figure);
                string spec = Path.Combine(specs, id + ".vl.json");
                File.WriteAllText(spec, figure.Spec!.ToJsonString(new() { WriteIndented = true }) + "\n");
                jobs.Add((spec, Path.Combine(figures, id + ".svg")));
            }
        VegaCli.Render(assets, jobs, warn);

        string source = Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(records[0].Path)))!;
        string page = Path.Combine(folder, "index.html");
        AtomicFile.WriteAllText(page, HtmlPage.Html($"Repro report: {title}", source, sections, assets, DateTimeOffset.Now));
        return page;
    }

    static int TierOrder(string tier) => Tier.All.Select(t => t.Name).ToList().IndexOf(tier) is var i and >= 0 ? i : int.MaxValue;

    /// <summary>The folder, emptied of an earlier report's files, so that no figure outlives its data.</summary>
    static string Fresh(string folder)
    {
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        Directory.CreateDirectory(folder);
        return folder;
    }
}
