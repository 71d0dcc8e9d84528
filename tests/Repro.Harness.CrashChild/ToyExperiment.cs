using Repro.Dynamics;
using Repro.Experiments;
using Repro.Harness;
using Repro.Training;

namespace Repro.Harness.CrashChild;

public sealed record ToySettings(int Steps);

/// <summary>A grid of 4 cells whose run is arithmetic: fast, deterministic, no tensors. It counts
/// its runs so that tests can tell a rerun from a reused record; a cell with seed 13 throws.</summary>
public sealed class ToyExperiment : Experiment<ToySettings>
{
    public int Runs;
    /// <summary>The default of the steps setting; set before the first run (settings are made once per tier).</summary>
    public int Steps { get; init; } = 10;
    public Grid? GridOverride { get; set; }

    public override string Name => "toy";
    public override string Description => "arithmetic stand-in for harness tests";
    public override ToySettings Defaults(Tier tier) => new(Steps);

    public override Grid Grid(Tier tier) => GridOverride ?? new()
    {
        Betas = [0.1, 1],
        LearningRates = LearningRates.EtaTilde(0.01),
        LogitScales = [1.0],
        Seeds = [0, 1],
    };

    protected override RunResult Run(CellContext context, ToySettings settings)
    {
        Interlocked.Increment(ref Runs);
        if (context.Cell.Seed == 13) throw new InvalidOperationException("toy failure at seed 13");
        var result = new RunResult();
        var loss = result.Curve("train_loss");
        for (int step = 0; step <= settings.Steps; step++)
            loss.Add(step, context.Cell.Beta * Math.Exp(-context.Cell.EtaTilde * step) + context.Cell.Seed);
        result.Scalars["loss0"] = loss.Values[0];
        result.Scalars["nan"] = double.NaN;
        return result;
    }

    protected override IEnumerable<Quantity> Golden(RunRecord record) =>
        [new("loss0", record.Scalars["loss0"]), new("final_loss", record.Curves["train_loss"].Values[^1], new Tolerance(1e-3, 0))];
}
