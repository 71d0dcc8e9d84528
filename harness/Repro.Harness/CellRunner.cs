using System.Text.Json.Nodes;
using Repro.Training;

namespace Repro.Harness;

/// <summary>
/// Runs a cell at most once per configuration: under the cell's lock, a complete (or diverged)
/// record with the same configuration hash is reused (REPRO_FORCE=1 runs it again); otherwise
/// the cell runs and its record, including a failure with its error, is written atomically.
/// A record made by other code (another <see cref="CodeFingerprint"/>) is reused only when
/// reuseAcrossCode is set: long tiers resume across code changes, the smoke tier always
/// reflects the code under test.
/// </summary>
public sealed class CellRunner(ResultStore store, Action<string> log)
{
    public const string ForceVariable = "REPRO_FORCE";

    public static bool ForceRequested => Environment.GetEnvironmentVariable(ForceVariable) is "1" or "true";

    /// <summary>Runs (or reuses) the cell; <paramref name="ran"/> says which.</summary>
    public RunRecord Run(IExperiment experiment, Tier tier, Cell cell, out bool ran, bool reuseAcrossCode,
        bool? force = null, Action<RunProgress>? progress = null, CancellationToken cancellation = default)
    {
        JsonObject config = experiment.Config(tier, cell);
        string hash = CanonicalJson.Hash(config);
        string code = CodeFingerprint.Of(experiment.GetType());
        string name = $"{experiment.Name}/{tier}/{cell.Id}";
        using var cellLock = store.Lock(experiment.Name, tier, cell.Id, log);

        var existing = store.TryRead(experiment.Name, tier, cell.Id, log);
        if (!(force ?? ForceRequested) && existing is { IsFinished: true } && existing.ConfigHash == hash)
        {
            if (existing.CodeFingerprint == code || reuseAcrossCode)
            {
                if (existing.CodeFingerprint != code)
                    log($"{name}: reusing a record made by other code ({existing.CodeFingerprint}, now {code}); {ForceVariable}=1 runs it again");
                ran = false;
                return existing;
            }
            log($"{name}: the stored record was made by other code ({existing.CodeFingerprint}, now {code}); running again");
        }
        else if (existing is not null && existing.ConfigHash != hash)
            log($"{name}: the stored record has another configuration; running again");

        var started = DateTimeOffset.UtcNow;
        RunResult result;
        string? error = null;
        try
        {
            result = experiment.Run(new CellContext(tier, cell, hash, store.CheckpointFolder(experiment.Name, tier, cell.Id),
                progress ?? (_ => { }), cancellation));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            result = new RunResult { Status = RunStatus.Failed };
            error = e.ToString();
        }
        var record = new RunRecord
        {
            Experiment = experiment.Name,
            Tier = tier,
            Cell = cell.Id,
            ConfigHash = hash,
            Config = config,
            Seed = cell.Seed,
            CodeFingerprint = code,
            Environment = EnvironmentInfo.Capture(result.Device),
            StartedAt = started,
            EndedAt = DateTimeOffset.UtcNow,
            Status = result.Status,
            Error = error,
            DivergenceStep = result.DivergenceStep,
            Curves = result.Curves,
            Scalars = result.Scalars,
            Notes = result.Notes,
        };
        store.Write(record);
        ran = true;
        return record;
    }
}
