using Repro.Dynamics;
using Repro.Experiments;
using Repro.Harness;
using Repro.Training;

namespace Repro.Cli.SweepChild;

public sealed record SlowSettings(int Steps);

/// <summary>
/// A 6-cell grid (beta 0.1, 1, 10 x seeds 0, 1) whose run is arithmetic, no tensors: a loss
/// curve, an accuracy, progress every step. <see cref="StepDelay"/> makes each step take that
/// long (kill tests stop it mid-cell); <see cref="FailSeed"/> and <see cref="DivergeBeta"/> make
/// cells fail or diverge. None of these is part of the configuration: they change how a cell
/// behaves, not which cell it is.
/// </summary>
public sealed class SlowExperiment : Experiment<SlowSettings>
{
    public TimeSpan StepDelay { get; init; }
    public int? FailSeed { get; init; }
    public double? DivergeBeta { get; init; }
    public IReadOnlyList<DataNeed> Needs { get; init; } = [];
    /// <summary>Every cell's data load rejects this file, as a loader rejects a truncated one.</summary>
    public string? DamagedFile { get; init; }
    /// <summary>The grid throws what no user error is (the CLI's report of a bug).</summary>
    public bool GridFails { get; init; }
    /// <summary>An eta scan over beta 0.01 ... 10, ||Z0|| 1 and 30, three seeds, whose validation
    /// accuracy peaks at eta = 1 / beta (and is 0.2 lower at ||Z0|| = 30).</summary>
    public bool Scanned { get; init; }
    int runs;
    public int Runs => runs;

    public override string Name => "slow-test";
    public override string Description => "arithmetic cells, slow on demand (CLI tests)";
    public override SlowSettings Defaults(Tier tier) => new(Steps: 20);

    public override Grid Grid(Tier tier) => GridFails ? throw new InvalidOperationException("grid fails on purpose") : Scanned ? new()
    {
        Betas = [0.01, 0.1, 1, 10],
        LearningRates = LearningRates.Eta(0.5, 1, 2),
        LogitScales = [1.0, 30],
        Seeds = [0, 1, 2],
        Scan = new EtaScan(Ratio: 2, MaxExtensions: 10, At: 1.0),
    } : new()
    {
        Betas = [0.1, 1, 10],
        LearningRates = LearningRates.EtaTilde(0.1),
        LogitScales = [1.0],
        Seeds = [0, 1],
    };

    public override IReadOnlyList<DataNeed> DataNeeds(Tier tier) => Needs;

    protected override RunResult Run(CellContext context, SlowSettings settings)
    {
        Interlocked.Increment(ref runs);
        var (cell, steps) = (context.Cell, settings.Steps);
        if (DamagedFile is not null) throw new Repro.Data.DataFormatException(DamagedFile, "truncated on purpose");
        if (cell.Seed == FailSeed) throw new InvalidOperationException($"slow-test fails at seed {cell.Seed} on purpose");
        var result = new RunResult();
        var loss = result.Curve("train_loss");
        for (int step = 0; step <= steps; step++)
        {
            context.Cancellation.ThrowIfCancellationRequested();
            if (StepDelay > TimeSpan.Zero) context.Cancellation.WaitHandle.WaitOne(StepDelay);
            if (cell.Beta == DivergeBeta && step == steps / 2)
            {
                result.Diverged(step);
                loss.Add(step, double.NaN);
                return result;
            }
            double value = Math.Log(4) * Math.Exp(-cell.EtaTilde * step) + 0.01 * cell.Seed;
            loss.Add(step, value);
            context.Progress(new RunProgress(step, steps, new Dictionary<string, double> { ["loss"] = value, ["accuracy"] = 1 - value / 2 }));
        }
        result.Scalars["final_test_accuracy"] = 0.5 + 0.1 * Math.Log10(cell.Beta * 100) / 3 + 0.01 * cell.Seed;
        if (Scanned)
        {
            double accuracy = 0.9 - 0.05 * Math.Abs(Math.Log2(cell.Eta * cell.Beta)) - (cell.LogitScale >= 30 ? 0.2 : 0) - 0.001 * cell.Seed;
            result.Scalars["final_test_accuracy"] = accuracy;
            result.Curve("val_accuracy").Add(steps, accuracy);
        }
        return result;
    }

    protected override IEnumerable<Quantity> Golden(RunRecord record) => [new("final_test_accuracy", record.Scalars["final_test_accuracy"])];
}
