using Repro.Data;
using Repro.Harness;
using Repro.Training;

namespace Repro.Cli.Running;

/// <summary>
/// Runs cells one after another through <see cref="CellRunner"/>, the same path as the NUnit
/// fixtures (same store, same records, a finished record reused): short and full records are
/// reused across code changes so that a long sweep resumes, smoke ones only when the same code
/// made them. A cancelled token stops the sweep at the running cell's next step; that cell
/// writes no record and runs again next time, every finished one stays.
/// </summary>
public sealed class SweepRunner(ResultStore store, ISweepDisplay display)
{
    public SweepSummary Run(IExperiment experiment, Tier tier, IReadOnlyList<Cell> cells, bool? force, CancellationToken cancellation) =>
        display.Show($"{experiment.Name}/{tier}", cells.Count, observer =>
        {
            var runner = new CellRunner(store, observer.Log);
            var done = new List<(RunRecord, bool)>();
            for (int i = 0; i < cells.Count; i++)
            {
                if (cancellation.IsCancellationRequested) return new SweepSummary(cells.Count, done, Cancelled: true);
                var cell = cells[i];
                observer.CellStarted(i + 1, cell);
                try
                {
                    var record = runner.Run(experiment, tier, cell, out bool ran, reuseAcrossCode: tier != Tier.Smoke, force,
                        p => observer.CellProgressed(cell, p), cancellation);
                    done.Add((record, ran));
                    observer.CellEnded(cell, record, ran);
                    if (DamagedData(record) is { } file)
                        return new SweepSummary(cells.Count, done, Cancelled: false)
                        {
                            Stopped = $"{file} is damaged and every cell reads it: the other {cells.Count - i - 1} cells were not run (they would fail on it too); " +
                                      "replace the file and run the same command (finished cells are reused)",
                        };
                }
                catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
                {
                    observer.CellCancelled(cell);
                    return new SweepSummary(cells.Count, done, Cancelled: true);
                }
            }
            return new SweepSummary(cells.Count, done, Cancelled: false);
        });

    // A cell that failed on a data file the format rejects (the record's error is the
    // exception's ToString: its type, then "<file>: <problem>"); the file, or null.
    static string? DamagedData(RunRecord record)
    {
        string prefix = typeof(DataFormatException).FullName + ": ";
        if (record.Status != RunStatus.Failed || record.Error?.StartsWith(prefix, StringComparison.Ordinal) != true) return null;
        string message = record.Error[prefix.Length..];
        int colon = message.IndexOf(": ", StringComparison.Ordinal);
        return colon > 0 ? message[..colon] : null;
    }
}
