using System.Text.Json.Nodes;
using Repro.Dynamics;
using Repro.Harness;

using Repro.Training;

namespace Repro.Cli.Tests;

/// <summary>Run records made with the harness's own types, for reports of known content.</summary>
static class Records
{
    static readonly EnvironmentInfo Environment = new()
    {
        GitCommit = "0000000", GitDirty = false, Os = "test", Cpu = "test", Dotnet = "test", Libtorch = "none",
        Blas = "none", OpenBlasCoreType = "unset", Device = "cpu", Threads = 1,
    };

    /// <summary>A record of <paramref name="cell"/> as CellRunner would write it.</summary>
    public static RunRecord Of(string experiment, Tier tier, Cell cell, RunStatus status, Action<RunRecord>? fill = null)
    {
        var config = new JsonObject { ["experiment"] = experiment, ["tier"] = tier.Name, ["cell"] = cell.ToJson(), ["settings"] = new JsonObject { ["steps"] = 50 } };
        var started = new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);
        var record = new RunRecord
        {
            Experiment = experiment, Tier = tier, Cell = cell.Id, ConfigHash = CanonicalJson.Hash(config), Config = config,
            Seed = cell.Seed, CodeFingerprint = "test", Environment = Environment, StartedAt = started, EndedAt = started.AddSeconds(2.5),
            Status = status,
            Error = status == RunStatus.Failed ? "System.InvalidOperationException: out of memory on purpose\n   at Somewhere()" : null,
            DivergenceStep = status == RunStatus.Diverged ? 17 : null,
        };
        fill?.Invoke(record);
        return record;
    }

    /// <summary>A loss falling like exp(-eta~ t / ||Z0||), the same for every beta at one eta~ (the collapse), NaN from a divergence on.</summary>
    public static Curve Loss(Cell cell, int steps, long? divergedAt = null)
    {
        var curve = new Curve();
        for (int t = 0; t <= steps; t += 5)
            curve.Add(t, divergedAt is { } d && t >= d ? double.NaN : Math.Log(10) * Math.Exp(-cell.EtaTilde * t / (cell.LogitScale ?? 1)) + 0.05);
        return curve;
    }
}
