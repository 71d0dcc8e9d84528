using System.Text.Json;
using System.Text.Json.Nodes;
using Repro.Dynamics;

namespace Repro.Harness;

/// <summary>What a cell's run produced: curves, scalar quantities, notes and how it ended.</summary>
public sealed class CellResult
{
    public RunStatus Status { get; set; } = RunStatus.Complete;
    public long? DivergenceStep { get; set; }
    public string Device { get; set; } = "cpu";
    public Dictionary<string, Curve> Curves { get; } = [];
    public Dictionary<string, double> Scalars { get; } = [];
    public Dictionary<string, string> Notes { get; } = [];

    public Curve Curve(string name) => Curves.TryGetValue(name, out var c) ? c : Curves[name] = new Curve();

    /// <summary>Ends the run as diverged at <paramref name="step"/> (a NaN or infinite loss): a result, not a crash.</summary>
    public void Diverged(long step) => (Status, DivergenceStep) = (RunStatus.Diverged, step);
}

/// <summary>Progress of a running cell, for bars and log lines.</summary>
public readonly record struct CellProgress(long Step, long TotalSteps, IReadOnlyDictionary<string, double> Metrics);

/// <summary>What a cell's run gets: its tier, grid point, resolved settings and a progress sink.</summary>
public sealed record CellContext<TSettings>(Tier Tier, Cell Cell, TSettings Settings, Action<CellProgress> Progress, CancellationToken Cancellation);

/// <summary>The untyped face of an experiment, for runners, the CLI and golden checks.</summary>
public interface IExperiment
{
    /// <summary>Kebab case, `&lt;model&gt;-&lt;dataset&gt;` (`logreg-synthetic`).</summary>
    string Name { get; }
    string Description { get; }
    Grid Grid(Tier tier);
    /// <summary>The cell's full configuration: experiment, tier, grid point and the tier's settings. Its hash keys the cell.</summary>
    JsonObject Config(Tier tier, Cell cell);
    CellResult Run(Tier tier, Cell cell, Action<CellProgress> progress, CancellationToken cancellation);
    /// <summary>The quantities of a finished record that its golden snapshot pins, with tolerances resolved.</summary>
    IReadOnlyList<GoldenQuantity> GoldenQuantities(RunRecord record);
    /// <summary>Whether the tier's cells are pinned by goldens.</summary>
    bool Pins(Tier tier);
    /// <summary>Whether the tier pins quantities measured across its grid (slopes, ...) in a
    /// `summary` golden beside the cells' (golden/&lt;experiment&gt;/&lt;tier&gt;/summary.verified.json).</summary>
    bool HasSummary(Tier tier);
    /// <summary>Quantities with the experiment's default tolerance where they give none.</summary>
    IReadOnlyList<GoldenQuantity> Resolve(IEnumerable<Quantity> quantities);
    /// <summary>The data the tier reads (none: synthetic, made from the seed). Experiments that
    /// read files declare them, so that `repro list` says what is there and what is missing.</summary>
    IReadOnlyList<DataNeed> DataNeeds(Tier tier) => [];
    /// <summary>The `--set name=value` assignments this instance applies to every tier's settings.</summary>
    IReadOnlyList<string> Overrides { get; }
    /// <summary>A copy whose settings have <paramref name="assignments"/> applied
    /// (<see cref="SettingsOverrides"/>), checked against the tier's settings now rather than at
    /// the first cell.</summary>
    /// <exception cref="ArgumentException">An assignment names no setting or does not fit it.</exception>
    IExperiment WithSettings(IReadOnlyList<string> assignments, Tier tier);
}

/// <summary>
/// An experiment: typed settings per tier (plain defaults with comments, serialized into every
/// cell's configuration), a grid per tier, the run of one cell, and the quantities its goldens pin.
/// The defaults live in <see cref="Defaults"/>; <see cref="Settings"/> is what runs: the defaults
/// with any `--set` overrides.
/// </summary>
public abstract class Experiment<TSettings> : IExperiment where TSettings : notnull
{
    public abstract string Name { get; }
    public abstract string Description { get; }
    public abstract Grid Grid(Tier tier);
    /// <summary>The tier's settings as the experiment defines them.</summary>
    public abstract TSettings Defaults(Tier tier);
    protected abstract CellResult Run(CellContext<TSettings> context);
    protected abstract IEnumerable<Quantity> Golden(RunRecord record);
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

    static readonly JsonSerializerOptions SettingsJson = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    IReadOnlyList<string> overrides = [];
    public IReadOnlyList<string> Overrides => overrides;

    /// <summary>The tier's settings that run: <see cref="Defaults"/> with the overrides applied.</summary>
    public TSettings Settings(Tier tier)
    {
        if (overrides.Count == 0) return Defaults(tier);
        var node = SettingsOverrides.Apply(JsonSerializer.SerializeToNode(Defaults(tier), SettingsJson)!.AsObject(), overrides);
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
            throw new ArgumentException($"--set {assignment}: {Name}'s {tier} setting '{field}' cannot hold that value (a whole number where one is expected?)");
        }
    }

    public IExperiment WithSettings(IReadOnlyList<string> assignments, Tier tier)
    {
        var copy = (Experiment<TSettings>)MemberwiseClone();
        copy.overrides = [.. overrides, .. assignments];
        _ = copy.Settings(tier);
        return copy;
    }

    public JsonObject Config(Tier tier, Cell cell) => new()
    {
        ["experiment"] = Name,
        ["tier"] = tier.Name,
        ["cell"] = cell.ToJson(),
        ["settings"] = JsonSerializer.SerializeToNode(Settings(tier), SettingsJson),
    };

    public CellResult Run(Tier tier, Cell cell, Action<CellProgress> progress, CancellationToken cancellation) =>
        Run(new CellContext<TSettings>(tier, cell, Settings(tier), progress, cancellation));

    public IReadOnlyList<GoldenQuantity> GoldenQuantities(RunRecord record) => Resolve(Golden(record));
}
