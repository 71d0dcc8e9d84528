using Repro.Dynamics;

namespace Repro.Training;

/// <summary>How a run ended. Complete and diverged runs are results; a failed one is run again.</summary>
public enum RunStatus { Complete, Diverged, Failed }

/// <summary>What a run produced: curves, scalar quantities, notes and how it ended. The harness
/// wraps it into a run record with the cell's configuration and environment.</summary>
public sealed class RunResult
{
    public RunStatus Status { get; set; } = RunStatus.Complete;
    public long? DivergenceStep { get; set; }
    public string Device { get; set; } = "cpu";
    public Dictionary<string, Curve> Curves { get; } = [];
    public Dictionary<string, double> Scalars { get; } = [];
    public Dictionary<string, string> Notes { get; } = [];

    public Curve Curve(string name) => Curves.TryGetValue(name, out var c) ? c : Curves[name] = new Curve();

    /// <summary>Ends the run as diverged at <paramref name="step"/> (a NaN or infinite loss): a result, not a crash.</summary>
    public void Diverged(long step) => (Status, DivergenceStep) = (RunStatus.Diverged, step);
}

/// <summary>Progress of a running run, for bars and log lines.</summary>
public readonly record struct RunProgress(long Step, long TotalSteps, IReadOnlyDictionary<string, double> Metrics);
