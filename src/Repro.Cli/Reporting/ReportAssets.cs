using System.Text.Json.Nodes;
using Repro.Harness;

namespace Repro.Cli.Reporting;

/// <summary>
/// The report's npm packages, src/Repro.Cli/report/node_modules of the checkout (the build
/// installs them from package-lock.json): Vega, Vega-Lite and Vega-Embed, whose browser builds are
/// inlined into the page so that it works offline, and vega-lite's vl2vg and vega-cli's vg2svg,
/// which render the SVG files.
/// </summary>
public sealed class ReportAssets
{
    public string Folder { get; }
    string Modules => Path.Combine(Folder, "node_modules");

    ReportAssets(string folder) => Folder = folder;

    public static ReportAssets Locate()
    {
        string? root = ReproPaths.TryFindRoot()
            ?? throw new ReportException("cannot find the Repro checkout, whose src/Repro.Cli/report holds the report's npm packages; set REPRO_ROOT");
        var assets = new ReportAssets(Path.Combine(root, "src", "Repro.Cli", "report"));
        foreach (string file in assets.Scripts.Select(s => s.Path).Append(assets.Vl2Vg).Append(assets.Vg2Svg))
            if (!File.Exists(file))
                throw new ReportException($"{file} is missing: the report's npm packages are not installed; the build installs them " +
                                          $"(or run: bash {Path.Combine(assets.Folder, "ensure-node-packages.sh")})");
        return assets;
    }

    /// <summary>The browser builds, in load order (Vega-Embed needs the other two).</summary>
    public IReadOnlyList<(string Package, string Path)> Scripts =>
    [
        ("vega", Path.Combine(Modules, "vega", "build", "vega.min.js")),
        ("vega-lite", Path.Combine(Modules, "vega-lite", "build", "vega-lite.min.js")),
        ("vega-embed", Path.Combine(Modules, "vega-embed", "build", "vega-embed.min.js")),
    ];

    public string Vl2Vg => Path.Combine(Modules, "vega-lite", "bin", "vl2vg");
    public string Vg2Svg => Path.Combine(Modules, "vega-cli", "bin", "vg2svg");

    /// <summary>The installed version of a package ("6.4.0").</summary>
    public string Version(string package) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(Modules, package, "package.json")))?["version"]?.GetValue<string>() ?? "?";
}
