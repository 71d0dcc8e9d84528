using System.Diagnostics;
using System.Globalization;
using Repro.Harness;

using Repro.Training;

namespace Repro.Cli.Running;

/// <summary>
/// Progress as timestamped lines, for logs (CI, SLURM output files, a pipe): a line when the sweep
/// starts and ends and when each cell starts and ends, and in between at most one line per cell
/// every <see cref="Every"/> with its step, metrics and estimated time left.
/// </summary>
public sealed class PlainDisplay(TextWriter output) : ISweepDisplay
{
    public static readonly TimeSpan Every = TimeSpan.FromSeconds(5);

    public T Show<T>(string title, int cells, Func<ISweepObserver, T> sweep)
    {
        var observer = new Observer(output, cells);
        observer.Line($"start {title}: {cells} cells");
        var clock = Stopwatch.StartNew();
        T result = sweep(observer);
        observer.Line($"end {title}: {observer.Ended} of {cells} cells in {MetricsText.Duration(clock.Elapsed)}");
        return result;
    }

    sealed class Observer(TextWriter output, int cells) : ISweepObserver
    {
        readonly Stopwatch cellClock = new();
        TimeSpan lastLine;
        int position;
        public int Ended { get; private set; }

        public void Line(string text)
        {
            output.WriteLine($"{DateTimeOffset.Now.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} {text}");
            output.Flush();
        }

        string Prefix(Cell cell) => $"[{position}/{cells}] {cell.Id}";

        public void CellStarted(int position, Cell cell)
        {
            this.position = position;
            cellClock.Restart();
            lastLine = TimeSpan.Zero;
            Line($"{Prefix(cell)}: started");
        }

        public void CellProgressed(Cell cell, RunProgress progress)
        {
            var elapsed = cellClock.Elapsed;
            if (elapsed - lastLine < Every) return;
            lastLine = elapsed;
            string left = progress.Step > 0 && progress.TotalSteps > progress.Step
                ? $", {MetricsText.Duration(elapsed * ((double)(progress.TotalSteps - progress.Step) / progress.Step))} left"
                : "";
            Line($"{Prefix(cell)}: {MetricsText.Of(progress)}{left}");
        }

        public void CellEnded(Cell cell, RunRecord record, bool ran)
        {
            Ended++;
            Line($"{Prefix(cell)}: {MetricsText.Ending(record, ran)}");
        }

        public void CellCancelled(Cell cell) => Line($"{Prefix(cell)}: cancelled; no record written, it runs again next time");

        public void Log(string message) => Line(message);
    }
}
