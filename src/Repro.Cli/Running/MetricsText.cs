using System.Globalization;
using Repro.Harness;

using Repro.Training;

namespace Repro.Cli.Running;

/// <summary>How a cell's progress reads in a bar or a log line: "step 120/1000 loss=0.5321 accuracy=0.82".</summary>
static class MetricsText
{
    public static string Of(RunProgress progress)
    {
        string metrics = string.Join(" ", progress.Metrics.Select(m => $"{m.Key}={m.Value.ToString("G4", CultureInfo.InvariantCulture)}"));
        return $"step {progress.Step}/{progress.TotalSteps}" + (metrics.Length > 0 ? " " + metrics : "");
    }

    /// <summary>"complete in 3.2 s", "diverged at step 340 in 1.1 s", "reused its finished record (complete)", "FAILED: ...".</summary>
    public static string Ending(RunRecord record, bool ran)
    {
        string status = record.Status switch
        {
            RunStatus.Diverged => $"diverged at step {record.DivergenceStep}",
            RunStatus.Failed => "FAILED",
            _ => "complete",
        };
        if (!ran) return $"reused its finished record ({status})";
        string took = $" in {(record.EndedAt - record.StartedAt).TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s";
        return record.Status == RunStatus.Failed ? $"{status}{took}: {FirstLine(record.Error)}" : status + took;
    }

    public static string FirstLine(string? text) => text?.Split('\n', 2)[0].Trim() ?? "";

    /// <summary>hh:mm:ss, or mm:ss under an hour.</summary>
    public static string Duration(TimeSpan span) =>
        span.ToString(span.TotalHours >= 1 ? @"h\:mm\:ss" : @"mm\:ss", CultureInfo.InvariantCulture);
}
