using Repro.Harness;

using Repro.Training;

namespace Repro.Cli.Running;

/// <summary>How a sweep went: its cells' records and whether it was cancelled before the end.</summary>
public sealed record SweepSummary(int Cells, IReadOnlyList<(RunRecord Record, bool Ran)> Done, bool Cancelled)
{
    /// <summary>Why the sweep stopped before its last cell, other than a signal (damaged data).</summary>
    public string? Stopped { get; init; }

    public int Ran => Done.Count(d => d.Ran);
    public int Reused => Done.Count(d => !d.Ran);
    public int Count(RunStatus status) => Done.Count(d => d.Record.Status == status);
    public IEnumerable<RunRecord> Failed => Done.Select(d => d.Record).Where(r => r.Status == RunStatus.Failed);

    /// <summary>This sweep followed by <paramref name="next"/> (an eta scan's next round).</summary>
    public SweepSummary Then(SweepSummary next) =>
        new(Cells + next.Cells, [.. Done, .. next.Done], Cancelled || next.Cancelled) { Stopped = Stopped ?? next.Stopped };

    public int ExitCode => Cancelled ? ExitCodes.Cancelled : Failed.Any() ? ExitCodes.Failed : ExitCodes.Success;

    /// <summary>"6 of 6 cells: 4 ran, 2 reused; 5 complete, 1 diverged, 0 failed".</summary>
    public override string ToString() =>
        $"{Done.Count} of {Cells} cells: {Ran} ran, {Reused} reused; {Count(RunStatus.Complete)} complete, " +
        $"{Count(RunStatus.Diverged)} diverged, {Count(RunStatus.Failed)} failed" + (Cancelled ? "; cancelled" : "") + (Stopped is null ? "" : "; stopped");
}
