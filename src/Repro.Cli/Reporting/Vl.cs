using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Repro.Cli.Reporting;

/// <summary>Pieces of Vega-Lite specs shared by the figures, written as anonymous objects that
/// read like the JSON they become (null members are left out).</summary>
static class Vl
{
    public const string Schema = "https://vega.github.io/schema/vega-lite/v6.json";

    static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    /// <summary>The spec as JSON, with the schema, a white background and the report's size.</summary>
    public static JsonObject Spec(object spec)
    {
        var json = (JsonObject)JsonSerializer.SerializeToNode(spec, Json)!;
        json.Insert(0, "$schema", Schema);
        json["background"] = "white";
        return json;
    }

    public const int Width = 380, Height = 240;

    /// <summary>beta on a log axis.</summary>
    public static object BetaX => new { field = "beta", type = "quantitative", scale = new { type = "log" }, axis = new { title = "β (inverse temperature)" } };

    /// <summary>Diverged, failed and unreadable cells, each in its shape (red, so that colour
    /// stays free for the figure's series and one legend explains them).</summary>
    public static object StatusShape => new
    {
        field = "status", type = "nominal",
        scale = new { domain = new[] { CellRow.Diverged, CellRow.Failed, CellRow.Unreadable }, range = new[] { "cross", "triangle-down", "square" } },
        legend = new { title = "not finished" },
    };

    public const string BrokenColor = "#d62728";

    /// <summary>Red marks for cells that did not finish, at their beta and at y = <paramref name="yField"/>.</summary>
    public static object BrokenLayer(IEnumerable<object> values, string yField) => new
    {
        data = new { values },
        mark = new { type = "point", size = 90, filled = true, opacity = 0.9, color = BrokenColor },
        encoding = new Dictionary<string, object>
        {
            ["x"] = BetaX,
            ["y"] = new { field = yField, type = "quantitative" },
            ["shape"] = StatusShape,
            ["tooltip"] = new object[] { new { field = "cell" }, new { field = "status" } },
        },
    };

    /// <summary>A dashed rule at beta = 1 (the usual softmax) with its label.</summary>
    public static object[] BetaOneLayers => [
        new
        {
            data = new { values = new[] { new { beta = 1.0 } } },
            mark = new { type = "rule", strokeDash = new[] { 4, 3 }, color = "#555" },
            encoding = new { x = BetaX },
        },
        new
        {
            data = new { values = new[] { new { beta = 1.0 } } },
            mark = new { type = "text", align = "left", dx = 4, dy = 8, color = "#555", text = "β = 1" },
            encoding = new { x = BetaX, y = new { value = 0 } },
        },
    ];
}
