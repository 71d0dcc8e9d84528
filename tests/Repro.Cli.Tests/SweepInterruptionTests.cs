using Repro.Cli.SweepChild;
using Repro.Harness;

using Repro.Training;

namespace Repro.Cli.Tests;

/// <summary>
/// A sweep stopped in the middle of a cell, by SIGKILL or by Ctrl-C, loses no finished cell and
/// duplicates none: the next sweep reuses what finished and runs the rest. Cells of the slow test
/// experiment take about two seconds (21 steps of 100 ms); the test stops the sweep right after the
/// third cell's "started" line, so two cells have finished and the third is running.
/// </summary>
public class SweepInterruptionTests
{
    static readonly List<string> Grid = new SlowExperiment().Grid(Tier.Smoke).Cells().Select(c => c.Id).ToList();

    static bool ThirdStarted(string line) => line.Contains("[3/6]", StringComparison.Ordinal) && line.EndsWith(": started", StringComparison.Ordinal);

    static string[] Sweep(TempDirectory dir) => ["sweep", "slow-test", "--tier", "smoke", "--results", dir["results"], "--report-dir", dir["report"]];

    [Test]
    public void KilledMidCellTheNextSweepKeepsFinishedCellsAndCompletesTheGrid()
    {
        using var dir = new TempDirectory();
        var store = new ResultStore(dir["results"]);
        using (var child = new SweepChildProcess(100, Sweep(dir)))
        {
            child.ReadUntil(ThirdStarted);
            child.Kill();
        }
        var kept = Grid.Take(2).ToDictionary(id => id, id => File.ReadAllText(store.PathFor("slow-test", Tier.Smoke, id)));
        Assert.That(kept.Values.Select(text => RunRecord.Parse(text, "kept").Status), Has.All.EqualTo(RunStatus.Complete));
        Assert.That(File.Exists(store.PathFor("slow-test", Tier.Smoke, Grid[2])), Is.False, "the killed cell has no record");

        using (var again = new SweepChildProcess(0, Sweep(dir)))
        {
            Assert.That(again.Finish(), Is.EqualTo(0), string.Join("\n", again.Lines.Concat(again.ErrorLines)));
            var ends = again.Lines.Where(l => l.Contains(": reused", StringComparison.Ordinal) || l.Contains(": complete in", StringComparison.Ordinal)).ToList();
            Assert.That(ends.Count(l => l.Contains(": reused its finished record", StringComparison.Ordinal)), Is.EqualTo(2), string.Join("\n", again.Lines));
            Assert.That(ends.Count(l => l.Contains(": complete in", StringComparison.Ordinal)), Is.EqualTo(4), string.Join("\n", again.Lines));
            Assert.That(again.Lines[^1], Is.EqualTo($"report: {dir["report/index.html"]}"), "a sweep ends with its report's path");
        }
        foreach (var (id, text) in kept)
            Assert.That(File.ReadAllText(store.PathFor("slow-test", Tier.Smoke, id)), Is.EqualTo(text), $"{id}: the finished record was kept as it was");
        Assert.That(store.ReadAll("slow-test", Tier.Smoke).Select(r => r.Cell), Is.EquivalentTo(Grid), "one record per cell, every cell");
        Assert.That(Directory.GetFiles(dir["results/slow-test/smoke"], "*.tmp"), Is.Empty);
    }

    [Test]
    public void InterruptedMidCellTheSweepStopsAtTheNextStepExitsWith130AndResumes()
    {
        using var dir = new TempDirectory();
        var store = new ResultStore(dir["results"]);
        using (var child = new SweepChildProcess(100, Sweep(dir)))
        {
            child.ReadUntil(ThirdStarted);
            child.Interrupt();
            Assert.That(child.Finish(), Is.EqualTo(130), string.Join("\n", child.Lines.Concat(child.ErrorLines)));
            Assert.That(child.Lines, Has.Some.Contains($"{Grid[2]}: cancelled; no record written"));
            Assert.That(child.Lines, Has.Some.StartsWith("stopped by a signal"));
            Assert.That(child.Lines, Has.None.StartsWith("report:"), "a cancelled sweep writes no report");
            Assert.That(child.ErrorLines, Has.Some.Contains("SIGTERM: stopping"));
        }
        Assert.That(store.ReadAll("slow-test", Tier.Smoke).Select(r => r.Cell), Is.EquivalentTo(Grid.Take(2)), "finished cells kept, the interrupted one not written");

        using var again = new SweepChildProcess(0, Sweep(dir));
        Assert.That(again.Finish(), Is.EqualTo(0));
        Assert.That(store.ReadAll("slow-test", Tier.Smoke).Select(r => r.Cell), Is.EquivalentTo(Grid));
    }
}
