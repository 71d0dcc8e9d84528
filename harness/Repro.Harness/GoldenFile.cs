using System.Text.Json;
using System.Text.Json.Nodes;

namespace Repro.Harness;

/// <summary>One quantity of a golden snapshot: value and the tolerance it is held to.</summary>
public sealed record GoldenQuantity(string Name, double Value, Tolerance Tolerance);

/// <summary>
/// A golden snapshot of one cell (`golden/&lt;experiment&gt;/&lt;tier&gt;/&lt;cell id&gt;.verified.json`):
/// the configuration it was recorded from (and its hash) and each pinned quantity with value,
/// rtol and atol. Written with LF line endings; NaN and infinities as the strings "NaN",
/// "Infinity", "-Infinity". A summary snapshot may also carry its claims table (<see cref="Claims"/>),
/// for readers: it is written with the quantities and never compared (the quantities pin its numbers).
/// </summary>
public sealed class GoldenFile
{
    public required string Experiment { get; init; }
    public required string Tier { get; init; }
    public required string Cell { get; init; }
    public required string ConfigHash { get; init; }
    public required JsonObject Config { get; init; }
    public required IReadOnlyList<GoldenQuantity> Quantities { get; init; }
    public JsonArray? Claims { get; init; }

    public string ToJson()
    {
        var quantities = new JsonObject();
        foreach (var q in Quantities)
            quantities[q.Name] = new JsonObject
            {
                ["value"] = Number(q.Value),
                ["rtol"] = q.Tolerance.Rtol,
                ["atol"] = q.Tolerance.Atol,
            };
        var json = new JsonObject
        {
            ["experiment"] = Experiment,
            ["tier"] = Tier,
            ["cell"] = Cell,
            ["configHash"] = ConfigHash,
            ["config"] = Config.DeepClone(),
            ["quantities"] = quantities,
        };
        if (Claims is not null) json["claims"] = Claims.DeepClone();
        return json.ToJsonString(new JsonSerializerOptions { WriteIndented = true, NewLine = "\n" }) + "\n";
    }

    static JsonNode Number(double v) =>
        double.IsNaN(v) ? "NaN" : double.IsPositiveInfinity(v) ? "Infinity" : double.IsNegativeInfinity(v) ? "-Infinity" : JsonValue.Create(v);

    public static GoldenFile Read(string path) => Parse(File.ReadAllText(path), path);

    /// <summary>Why the file at <paramref name="path"/> is not a golden snapshot (its FormatException's
    /// message, naming the file), or null when it reads.</summary>
    public static string? ProblemOf(string path)
    {
        try
        {
            Read(path);
            return null;
        }
        catch (FormatException e)
        {
            return e.Message;
        }
    }

    /// <summary>Parses a snapshot; every error names <paramref name="source"/> and the position or field.</summary>
    public static GoldenFile Parse(string text, string source)
    {
        JsonNode? root;
        using (var doc = JsonInput.Parse(text, source)) root = doc.RootElement.Deserialize<JsonNode>();
        if (root is not JsonObject obj) throw new FormatException($"{source}: the snapshot must be a JSON object");

        string Text(string field) => obj[field] is JsonValue v && v.TryGetValue(out string? s) && s is not null
            ? s : throw new FormatException($"{source}: field '{field}' is missing or not a string");

        if (obj["quantities"] is not JsonObject quantities) throw new FormatException($"{source}: field 'quantities' is missing or not an object");
        var list = new List<GoldenQuantity>();
        foreach (var (name, node) in quantities)
        {
            if (node is not JsonObject q) throw new FormatException($"{source}: quantity '{name}' is not an object with value, rtol and atol");
            double Field(string field, bool allowNonFinite)
            {
                if (q[field] is not JsonValue v) throw new FormatException($"{source}: quantity '{name}' has no '{field}'");
                if (v.TryGetValue(out double d) && double.IsFinite(d)) return d;
                if (allowNonFinite && v.TryGetValue(out string? s))
                    switch (s)
                    {
                        case "NaN": return double.NaN;
                        case "Infinity": return double.PositiveInfinity;
                        case "-Infinity": return double.NegativeInfinity;
                    }
                throw new FormatException($"{source}: quantity '{name}': '{field}' is {v.ToJsonString()}, not a number{(allowNonFinite ? " (or \"NaN\", \"Infinity\", \"-Infinity\")" : "")}");
            }
            double rtol = Field("rtol", false), atol = Field("atol", false);
            if (rtol < 0 || atol < 0) throw new FormatException($"{source}: quantity '{name}': rtol and atol must be >= 0");
            list.Add(new GoldenQuantity(name, Field("value", true), new Tolerance(rtol, atol)));
        }
        return new GoldenFile
        {
            Experiment = Text("experiment"),
            Tier = Text("tier"),
            Cell = Text("cell"),
            ConfigHash = Text("configHash"),
            Config = obj["config"] as JsonObject ?? throw new FormatException($"{source}: field 'config' is missing or not an object"),
            Quantities = list,
            Claims = obj["claims"] switch
            {
                null => null,
                JsonArray a => a,
                _ => throw new FormatException($"{source}: field 'claims' is not an array"),
            },
        };
    }
}
