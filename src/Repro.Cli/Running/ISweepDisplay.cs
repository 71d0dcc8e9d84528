namespace Repro.Cli.Running;

/// <summary>How a sweep shows its progress: bars on a terminal (<see cref="LiveDisplay"/>),
/// timestamped lines otherwise (<see cref="PlainDisplay"/>).</summary>
public interface ISweepDisplay
{
    /// <summary>Runs <paramref name="sweep"/> inside the display (a live display owns the
    /// terminal while it runs) and returns what the sweep returns.</summary>
    T Show<T>(string title, int cells, Func<ISweepObserver, T> sweep);
}
