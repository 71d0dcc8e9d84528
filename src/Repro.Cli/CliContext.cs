using Repro.Harness;

namespace Repro.Cli;

/// <summary>
/// What the commands run against: where they write, the experiments they know, and the token that
/// Ctrl-C cancels. The program passes the console and the catalog; tests pass writers and
/// experiments of their own, so that a command runs in-process exactly as it does from a shell.
/// </summary>
public sealed record CliContext(TextWriter Out, TextWriter Error, IReadOnlyList<IExperiment> Experiments, CancellationToken Cancellation)
{
    /// <summary>True when Out is a terminal: progress is drawn as bars instead of written as lines.</summary>
    public bool Interactive { get; init; }

    /// <summary>Marks the span where a signal stops cells gracefully (a sweep); outside it, Ctrl-C
    /// ends the process at once, as it does for any command with nothing to save.</summary>
    public Func<IDisposable> WatchSignals { get; init; } = () => NoWatch.Instance;

    sealed class NoWatch : IDisposable
    {
        public static readonly NoWatch Instance = new();
        public void Dispose() { }
    }

    /// <summary>The experiment of that name; the argument's parser has already checked that it exists.</summary>
    public IExperiment Experiment(string name) =>
        Experiments.FirstOrDefault(e => e.Name == name)
        ?? throw new UsageException($"unknown experiment '{name}' (known: {string.Join(", ", Experiments.Select(e => e.Name))})");
}
