using Repro.Harness;
using Spectre.Console;

using Repro.Training;

namespace Repro.Cli.Running;

/// <summary>
/// Progress as bars on a terminal (Spectre.Console): one bar for the grid (cells done, reused,
/// diverged, failed) and one for the running cell (step, loss, accuracy and whatever else it
/// reports, time left). Each finished cell leaves one line above the bars.
/// </summary>
public sealed class LiveDisplay(TextWriter terminal) : ISweepDisplay
{
    public T Show<T>(string title, int cells, Func<ISweepObserver, T> sweep)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(terminal) });
        return console.Progress()
            .AutoClear(false)
            .HideCompleted(true)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                new RemainingTimeColumn(), new SpinnerColumn())
            .Start(context =>
            {
                var grid = context.AddTask(Markup.Escape($"{title}: 0/{cells} cells"), maxValue: cells);
                var result = sweep(new Observer(console, context, grid, title, cells));
                grid.StopTask();
                return result;
            });
    }

    sealed class Observer(IAnsiConsole console, ProgressContext context, ProgressTask grid, string title, int cells) : ISweepObserver
    {
        ProgressTask? current;
        int ended, reused, diverged, failed;

        public void CellStarted(int position, Cell cell) =>
            current = context.AddTask(Markup.Escape($"  {cell.Id}"), maxValue: 1);

        public void CellProgressed(Cell cell, RunProgress progress)
        {
            if (current is null) return;
            current.MaxValue = Math.Max(1, progress.TotalSteps);
            current.Value = progress.Step;
            current.Description = Markup.Escape($"  {cell.Id}  {MetricsText.Of(progress)}");
        }

        public void CellEnded(Cell cell, RunRecord record, bool ran)
        {
            ended++;
            if (!ran) reused++;
            if (record.Status == RunStatus.Diverged) diverged++;
            if (record.Status == RunStatus.Failed) failed++;
            Finish();
            string color = record.Status switch { RunStatus.Failed => "red", RunStatus.Diverged => "yellow", _ => ran ? "green" : "grey" };
            console.MarkupLine($"[{color}]{Markup.Escape($"{cell.Id}: {MetricsText.Ending(record, ran)}")}[/]");
            grid.Increment(1);
            grid.Description = Markup.Escape($"{title}: {ended}/{cells} cells, {reused} reused, {diverged} diverged, {failed} failed");
        }

        public void CellCancelled(Cell cell)
        {
            Finish();
            console.MarkupLine($"[yellow]{Markup.Escape($"{cell.Id}: cancelled; no record written, it runs again next time")}[/]");
        }

        public void Log(string message) => console.MarkupLine($"[grey]{Markup.Escape(message)}[/]");

        void Finish()
        {
            if (current is null) return;
            current.Value = current.MaxValue;
            current.StopTask();
            current = null;
        }
    }
}
