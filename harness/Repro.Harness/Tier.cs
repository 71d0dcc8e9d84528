using System.Text.Json;
using System.Text.Json.Serialization;

namespace Repro.Harness;

/// <summary>
/// A frozen preset of an experiment's size. Smoke: seconds, synthetic data, CPU, golden-pinned.
/// Short: minutes, real small data, CPU. Full: the paper's scale, GPU. An experiment asks its tier
/// for steps, data size and grid with <see cref="Pick{T}"/>, so the smoke tier is the same
/// experiment made small, not a second code path.
/// </summary>
[JsonConverter(typeof(TierJsonConverter))]
public sealed class Tier
{
    public static readonly Tier Smoke = new("smoke");
    public static readonly Tier Short = new("short");
    public static readonly Tier Full = new("full");
    public static IReadOnlyList<Tier> All { get; } = [Smoke, Short, Full];

    /// <summary>The environment variable that selects the tier the experiment tests run.</summary>
    public const string Variable = "REPRO_TIER";

    public string Name { get; }

    Tier(string name) => Name = name;

    public T Pick<T>(T smoke, T @short, T full) => this == Smoke ? smoke : this == Short ? @short : full;

    public static Tier Parse(string name, string source) =>
        All.FirstOrDefault(t => string.Equals(t.Name, name.Trim(), StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"{source}: unknown tier '{name}' (known: smoke, short, full)");

    /// <summary>The tier <see cref="Variable"/> selects; smoke when it is unset, as in `dotnet test`.</summary>
    public static Tier Current =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } name ? Parse(name, Variable) : Smoke;

    public override string ToString() => Name;
}

/// <summary>A tier in JSON is its name ("smoke"); another name is a JsonException that says which are known.</summary>
sealed class TierJsonConverter : JsonConverter<Tier>
{
    public override Tier Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        string name = reader.TokenType == JsonTokenType.String ? reader.GetString()! : throw new JsonException("a tier is a string (smoke, short, full)");
        try { return Tier.Parse(name, "tier"); }
        catch (ArgumentException e) { throw new JsonException(e.Message); }
    }

    public override void Write(Utf8JsonWriter writer, Tier value, JsonSerializerOptions options) => writer.WriteStringValue(value.Name);
}
