using System.Text.Json.Nodes;

namespace Repro.Cli.Reporting;

/// <summary>One figure of a report section: a Vega-Lite spec with its data inline, or, when the
/// records lack what it plots, <see cref="Absent"/> saying what is missing.</summary>
public sealed record Figure(string Name, string Title, string Caption, JsonObject? Spec, string? Absent = null)
{
    public static Figure Missing(string name, string title, string why) => new(name, title, "", null, why);
}
