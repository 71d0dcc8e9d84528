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
        bool forced = force ?? ForceRequested;

        bool Reusable(RunRecord? r) =>
            !forced && r is { IsFinished: true } && r.ConfigHash == hash && (r.CodeFingerprint == code || reuseAcrossCode);

        RunRecord Reuse(RunRecord r, out bool ran)
        {
            if (r.CodeFingerprint != code)
                log($"{name}: reusing a record made by other code ({r.CodeFingerprint}, now {code}); {ForceVariable}=1 runs it again");
            ran = false;
            return r;
        }

        IDisposable cellLock;
        try
        {
            cellLock = store.Lock(experiment.Name, tier, cell.Id, log);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            // A store this process cannot write (read-only): a finished record is reused as it is;
            // nothing else could be kept, so nothing else runs.
            var stored = store.TryRead(experiment.Name, tier, cell.Id);
            if (Reusable(stored)) return Reuse(stored!, out ran);
            throw new IOException($"{name}: the result store {store.Root} cannot be written ({e.Message}), and it holds no finished record of this configuration to reuse", e);
        }
        using var _ = cellLock;

        var existing = store.TryRead(experiment.Name, tier, cell.Id, log);
        if (Reusable(existing)) return Reuse(existing!, out ran);
        if (!forced && existing is { IsFinished: true } && existing.ConfigHash == hash)
            log($"{name}: the stored record was made by other code ({existing.CodeFingerprint}, now {code}); running again");
        else if (existing is not null && existing.ConfigHash != hash)
        {
            // Never replaced in silence: the other configuration's record is kept beside, its hash in the name.
            string aside = store.MoveAside(experiment.Name, tier, cell.Id, existing.ConfigHash);
            log($"{name}: the stored record has another configuration ({existing.ConfigHash[..12]}, now {hash[..12]}); moved to {aside}, running again");
        }

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
        try
        {
            store.Write(record);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"{name}: its record could not be written to {store.PathFor(experiment.Name, tier, cell.Id)} ({e.Message}); " +
                                  "nothing of it was kept, and the cell runs again on the next run", e);
        }
        ran = true;
        return record;
    }
}
