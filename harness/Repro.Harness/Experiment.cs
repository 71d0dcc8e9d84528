using System.Text.Json.Nodes;
using Repro.Dynamics;
using Repro.Training;

namespace Repro.Harness;

/// <summary>What a cell's run gets from the runner: its tier and grid point, the hash of its
/// configuration (a checkpoint is resumed only by the configuration that wrote it), the folder its
/// checkpoints live in (beside its record, in the same result store), a progress sink and the
/// cancellation of the sweep.</summary>
public sealed record CellContext(Tier Tier, Cell Cell, string ConfigHash, string CheckpointFolder,
    Action<RunProgress> Progress, CancellationToken Cancellation);

/// <summary>The untyped face of an experiment, for runners, the CLI and golden checks.</summary>
public interface IExperiment
{
    /// <summary>Kebab case, `&lt;model&gt;-&lt;dataset&gt;` (`logreg-synthetic`).</summary>
    string Name { get; }
    string Description { get; }
    Grid Grid(Tier tier);
    /// <summary>The cell's full configuration: experiment, tier, grid point and the tier's settings. Its hash keys the cell.</summary>
    JsonObject Config(Tier tier, Cell cell);
    RunResult Run(CellContext context);
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
