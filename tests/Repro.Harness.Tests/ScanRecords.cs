using System.Text.Json.Nodes;
using Repro.Dynamics;
using Repro.Harness;

using Repro.Training;

namespace Repro.Harness.Tests;

/// <summary>Records of planted outcomes, for the eta scan and the claims: a cell's validation and test
/// accuracy are whatever the test's function says of it.</summary>
static class ScanRecords
{
    static readonly EnvironmentInfo Environment = new()
    {
        GitCommit = "0000000", GitDirty = false, Os = "test", Cpu = "test", Dotnet = "test", Libtorch = "none",
        Blas = "none", OpenBlasCoreType = "unset", Device = "cpu", Threads = 1,
    };

    /// <summary>A complete record whose final validation and test accuracy are <paramref name="accuracy"/>
    /// (NaN: diverged), with t_learn and calibration as given.</summary>
    public static RunRecord Of(Cell cell, double accuracy, double tLearn = double.NaN, double ece = 0.05, double eceTStar = 0.02)
    {
        var config = new JsonObject { ["experiment"] = "planted", ["tier"] = "smoke", ["cell"] = cell.ToJson() };
        var at = new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
        bool diverged = double.IsNaN(accuracy);
        var record = new RunRecord
        {
            Experiment = "planted", Tier = Tier.Smoke, Cell = cell.Id, ConfigHash = CanonicalJson.Hash(config), Config = config,
            Seed = cell.Seed, CodeFingerprint = "test", Environment = Environment, StartedAt = at, EndedAt = at,
            Status = diverged ? RunStatus.Diverged : RunStatus.Complete, DivergenceStep = diverged ? 3 : null,
        };
        if (diverged) return record;
        var val = new Curve();
        val.Add(100, accuracy);
        record.Curves["val_accuracy"] = val;
        record.Scalars["final_test_accuracy"] = accuracy;
        record.Scalars["test_ece"] = ece;
        record.Scalars["test_ece_t_star"] = eceTStar;
        record.Scalars["z0_norm"] = cell.LogitScale ?? 1;
        if (double.IsFinite(tLearn)) record.Scalars["t_learn"] = tLearn;
        return record;
    }

    /// <summary>Runs the whole grid (scan rounds included) with planted outcomes.</summary>
    public static IReadOnlyList<RunRecord> Run(Grid grid, Func<Cell, RunRecord> outcome) => GridRun.Complete(grid, (_, cells) => cells.Select(outcome).ToList());

    /// <summary>An accuracy that peaks at eta = peak, falling by 0.05 per doubling away from it.</summary>
    public static double Peaked(double eta, double peak) => 0.9 - 0.05 * Math.Abs(Math.Log2(eta / peak));
}
