using Repro.Harness;

using Repro.Training;

namespace Repro.Cli.Running;

/// <summary>What a display hears from a running sweep. Calls come from the sweep's thread, in order.</summary>
public interface ISweepObserver
{
    /// <summary>Cell <paramref name="position"/> (1-based) of the sweep starts, or is looked up for a finished record.</summary>
    void CellStarted(int position, Cell cell);
    void CellProgressed(Cell cell, RunProgress progress);
    /// <summary>The cell has its record: <paramref name="ran"/> false when a finished one was reused.</summary>
    void CellEnded(Cell cell, RunRecord record, bool ran);
    /// <summary>The sweep was cancelled while this cell ran; it has no new record and runs again next time.</summary>
    void CellCancelled(Cell cell);
    /// <summary>A message of the result store (a reused record made by other code, a lock being waited for).</summary>
    void Log(string message);
}
