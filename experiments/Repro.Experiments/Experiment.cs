using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Repro.Dynamics;
using Repro.Harness;
using Repro.Training;

namespace Repro.Experiments;

/// <summary>
/// An experiment: typed settings per tier (plain defaults with comments, serialized into every
/// cell's configuration), a grid per tier, the run of one cell, and the quantities its goldens pin.
/// The defaults live in <see cref="Defaults"/>; <see cref="Settings"/> is what runs: the defaults
/// with any `--set` overrides, made once per tier.
/// </summary>
public abstract class Experiment<TSettings> : IExperiment where TSettings : notnull
{
    public abstract string Name { get; }
    public abstract string Description { get; }
    public abstract Grid Grid(Tier tier);
    /// <summary>The tier's settings as the experiment defines them.</summary>
    public abstract TSettings Defaults(Tier tier);
    protected abstract RunResult Run(CellContext context, TSettings settings);
    protected abstract IEnumerable<Quantity> Golden(RunRecord record);
    /// <summary>What is wrong with the settings (counts that must be positive, intervals longer
    /// than the run, ...); any problem stops the settings from being made, so no cell runs with them.</summary>
    protected virtual SettingProblems Check(TSettings settings) => [];
    /// <summary>Tolerance of pinned quantities that do not give their own.</summary>
    protected virtual Tolerance DefaultTolerance => new(Rtol: 1e-6, Atol: 1e-9);

    /// <summary>Smoke and short cells are pinned; full-tier runs happen on GPU boxes whose results
    /// are reported, not pinned.</summary>
    public virtual bool Pins(Tier tier) => tier != Tier.Full;

    public virtual bool HasSummary(Tier tier) => false;

    public virtual IReadOnlyList<DataNeed> DataNeeds(Tier tier) => [];

    /// <summary>Resolves the tolerances of quantities measured across the grid.</summary>
    public IReadOnlyList<GoldenQuantity> Resolve(IEnumerable<Quantity> quantities) =>
        quantities.Select(q => new GoldenQuantity(q.Name, q.Value, q.Tolerance ?? DefaultTolerance)).ToList();

    // The configuration's settings (and so the hash): a group marked OmittedAtDefaults is left out
    // at its defaults. --set applies to the whole settings, that group included.
    static readonly JsonSerializerOptions SettingsJson = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { OmitDefaults } },
    };
    static readonly JsonSerializerOptions WholeSettingsJson = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    static void OmitDefaults(JsonTypeInfo type)
    {
        foreach (var property in type.Properties)
            if (property.AttributeProvider?.IsDefined(typeof(OmittedAtDefaultsAttribute), inherit: false) == true)
            {
                object defaults = Activator.CreateInstance(property.PropertyType)!;
                property.ShouldSerialize = (_, value) => !Equals(value, defaults);
            }
    }

    IReadOnlyList<string> overrides = [];
    ConcurrentDictionary<Tier, TSettings> settings = new();
    public IReadOnlyList<string> Overrides => overrides;

    /// <summary>The tier's settings that run: <see cref="Defaults"/> with the overrides applied.</summary>
    public TSettings Settings(Tier tier) => settings.GetOrAdd(tier, Make);

    TSettings Make(Tier tier)
    {
        var settings = Apply(tier);
        var problems = Check(settings);
        if (problems.Count > 0)
            throw new ArgumentException($"{(overrides.Count > 0 ? $"--set {string.Join(" ", overrides)}: " : "")}{Name}'s {tier} settings: {string.Join("; ", problems)}");
        return settings;
    }

    TSettings Apply(Tier tier)
    {
        if (overrides.Count == 0) return Defaults(tier);
        var node = SettingsOverrides.Apply(JsonSerializer.SerializeToNode(Defaults(tier), WholeSettingsJson)!.AsObject(), overrides);
        try
        {
            return node.Deserialize<TSettings>(SettingsJson)
                ?? throw new JsonException("the settings came out empty");
        }
        catch (JsonException e)
        {
            // e.Path is the JSON path of the field that did not convert ($.recipe.steps).
            string field = e.Path is { Length: > 2 } p ? p[2..] : "?";
            string assignment = overrides.LastOrDefault(a => string.Equals(a.Split('=')[0].Trim(), field, StringComparison.OrdinalIgnoreCase))
                ?? string.Join(" ", overrides);
            throw new ArgumentException($"--set {assignment}: {Name}'s {tier} setting '{field}' cannot hold that value: it is {SettingsFields.Expected(typeof(TSettings), field)}");
        }
    }

    public IExperiment WithSettings(IReadOnlyList<string> assignments, Tier tier)
    {
        var copy = (Experiment<TSettings>)MemberwiseClone();
        copy.overrides = [.. overrides, .. assignments];
        copy.settings = new();
        _ = copy.Settings(tier);
        return copy;
    }

    public JsonObject Config(Tier tier, Cell cell) => new()
    {
        ["experiment"] = Name,
        ["tier"] = tier.Name,
        ["cell"] = cell.ToJson(),
        ["settings"] = JsonSerializer.SerializeToNode(ForCell(Settings(tier), cell), SettingsJson),
    };

    public RunResult Run(CellContext context)
    {
        TierThreads.Apply(context.Tier);
        return Run(context, ForCell(Settings(context.Tier), context.Cell));
    }

    /// <summary>The settings one cell runs with, where a cell changes them (a cure comparison's
    /// cell, <see cref="CureScan"/>); they are what its configuration records.</summary>
    protected virtual TSettings ForCell(TSettings settings, Cell cell) => settings;

    public IReadOnlyList<GoldenQuantity> GoldenQuantities(RunRecord record) => Resolve(Golden(record));
}

/// <summary>What a settings field accepts, for the error of a `--set` that does not fit it.</summary>
static class SettingsFields
{
    public static string Expected(Type root, string path)
    {
        Type? type = root;
        foreach (string name in path.Split('.'))
            type = type?.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))?.PropertyType;
        type = type is null ? null : Nullable.GetUnderlyingType(type) ?? type;
        return type switch
        {
            null => "not a setting that holds that value",
            { IsEnum: true } => "one of " + string.Join(", ", Enum.GetNames(type).Select(n => EnumName(type, n))),
            _ when type == typeof(int) || type == typeof(long) => "a whole number",
            _ when type == typeof(double) => "a number",
            _ when type == typeof(bool) => "true or false",
            _ when type.IsArray => "a list ([1, 2])",
            _ => $"a {type.Name}, which that value is not",
        };
    }

    static string EnumName(Type type, string member) =>
        type.GetField(member)?.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name ?? member;
}
