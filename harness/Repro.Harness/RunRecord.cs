using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Repro.Dynamics;
using Repro.Training;

namespace Repro.Harness;

/// <summary>
/// The source of truth for one cell: its full configuration and hash, seed, environment, times,
/// curves, scalar quantities and status. Serialized as JSON (schema <see cref="CurrentSchema"/>);
/// NaN and infinities are written as the strings "NaN", "Infinity", "-Infinity".
/// </summary>
public sealed class RunRecord
{
    public const int CurrentSchema = 1;

    public int Schema { get; init; } = CurrentSchema;
    public required string Experiment { get; init; }
    public required Tier Tier { get; init; }
    /// <summary>The cell's id (<see cref="Harness.Cell.Id"/>; "summary" for a tier's summary).</summary>
    public required string Cell { get; init; }
    public required string ConfigHash { get; init; }
    public required JsonObject Config { get; init; }
    public required int Seed { get; init; }
    /// <summary>The <see cref="Harness.CodeFingerprint"/> of the code that ran the cell.</summary>
    public required string CodeFingerprint { get; init; }
    public required EnvironmentInfo Environment { get; init; }
    public required DateTimeOffset StartedAt { get; init; }
    public required DateTimeOffset EndedAt { get; init; }
    public required RunStatus Status { get; init; }
    /// <summary>The exception of a failed cell (type, message and stack).</summary>
    public string? Error { get; init; }
    /// <summary>The step whose loss was NaN or infinite, for a diverged cell.</summary>
    public long? DivergenceStep { get; init; }
    public Dictionary<string, Curve> Curves { get; init; } = [];
    public Dictionary<string, double> Scalars { get; init; } = [];
    /// <summary>Textual facts about how a quantity was measured (for example which t_nl criterion).</summary>
    public Dictionary<string, string> Notes { get; init; } = [];

    Cell? point;

    /// <summary>The typed cell, read from the configuration's "cell" object: what readers take beta,
    /// the learning rate, ||Z0||, the seed and the extra axes from. A summary has none.</summary>
    [JsonIgnore]
    public Cell Point => point ??= ReadPoint($"record {Experiment}/{Tier}/{Cell}");

    Cell ReadPoint(string source) => Config["cell"] is JsonObject cell
        ? Harness.Cell.FromJson(cell, source)
        : throw new FormatException($"{source}: its configuration has no cell");

    /// <summary>Complete and diverged cells are finished results; failed ones are run again.</summary>
    [JsonIgnore]
    public bool IsFinished => Status is RunStatus.Complete or RunStatus.Diverged;

    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        WriteIndented = true,
        NewLine = "\n",
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        // A reader gets every field it was promised (JsonInput has checked the rest).
        RespectNullableAnnotations = true,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json) + "\n";

    /// <summary>Parses a record; errors name <paramref name="source"/> and the position or field.</summary>
    public static RunRecord Parse(string json, string source)
    {
        RunRecord? record;
        using (var doc = JsonInput.Parse(json, source))
        {
            try
            {
                record = doc.Deserialize<RunRecord>(Json);
            }
            catch (JsonException e)
            {
                throw new FormatException($"{source}: not a valid run record: {e.Message}", e);
            }
        }
        if (record is null) throw new FormatException($"{source}: the run record is null");
        if (record.Schema != CurrentSchema)
            throw new FormatException($"{source}: run record schema {record.Schema}, this harness reads schema {CurrentSchema}");
        foreach (var (name, curve) in record.Curves)
            if (curve is null || curve.Steps.Count != curve.Values.Count)
                throw new FormatException($"{source}: curve '{name}' {(curve is null ? "is null" : $"has {curve.Steps.Count} steps and {curve.Values.Count} values")}");
        record.point = record.ReadPoint(source);
        return record;
    }
}
