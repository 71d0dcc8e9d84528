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

    /// <summary>SIGKILL at seeded random moments of a sweep (a cell's steps, its record's write, the
    /// gap between cells): every cell the output said had finished keeps its record, a record kept
    /// from an earlier kill is never rewritten, every record file there is reads, and the last
    /// sweep runs exactly the cells that have none.</summary>
    [Test]
    public void KilledAtRandomMomentsNoFinishedRecordIsLost()
    {
        int seed = TestContext.CurrentContext.Random.Next();
        var random = new Random(seed);
        using var dir = new TempDirectory();
        var store = new ResultStore(dir["results"]);
        var kept = new Dictionary<string, string>();
        for (int kill = 0; kill < 4; kill++)
        {
            var delay = TimeSpan.FromMilliseconds(random.Next(0, 2500));
            string moment = $"kill {kill + 1} at {delay.TotalMilliseconds} ms after the sweep started (seed {seed})";
            using (var child = new SweepChildProcess(10, Sweep(dir)))
            {
                child.ReadUntil(line => line.Contains(" start slow-test/smoke", StringComparison.Ordinal));
                var reading = Task.Run(child.Finish);
                Thread.Sleep(delay);
                child.Kill();
                reading.Wait(TimeSpan.FromMinutes(1));
                var finished = Grid.Where(id => child.Lines.Any(l => l.Contains($"{id}: complete in", StringComparison.Ordinal))).ToList();
                foreach (string id in finished)
                    Assert.That(store.TryRead("slow-test", Tier.Smoke, id)?.Status, Is.EqualTo(RunStatus.Complete), $"{moment}: {id} said it finished");
            }
            foreach (var (id, text) in kept)
                Assert.That(File.ReadAllText(store.PathFor("slow-test", Tier.Smoke, id)), Is.EqualTo(text), $"{moment}: {id}'s record was rewritten");
            // Killed before the first cell started, the sweep may not have made the tier's folder yet.
            var records = Directory.Exists(dir["results/slow-test/smoke"]) ? Directory.GetFiles(dir["results/slow-test/smoke"], "*.json") : [];
            foreach (string file in records)
                Assert.That(() => RunRecord.Parse(File.ReadAllText(file), file), Throws.Nothing, $"{moment}: {file} reads");
            foreach (string file in records)
                kept.TryAdd(RunRecord.Parse(File.ReadAllText(file), file).Cell, File.ReadAllText(file));
            TestContext.Out.WriteLine($"{moment}: {kept.Count} of {Grid.Count} cells have records");
        }

        using var last = new SweepChildProcess(0, Sweep(dir));
        Assert.That(last.Finish(), Is.EqualTo(0), string.Join("\n", last.Lines.Concat(last.ErrorLines)));
        Assert.That(last.Lines.Count(l => l.Contains(": complete in", StringComparison.Ordinal)), Is.EqualTo(Grid.Count - kept.Count), string.Join("\n", last.Lines));
        Assert.That(last.Lines.Count(l => l.Contains(": reused its finished record", StringComparison.Ordinal)), Is.EqualTo(kept.Count), string.Join("\n", last.Lines));
        foreach (var (id, text) in kept)
            Assert.That(File.ReadAllText(store.PathFor("slow-test", Tier.Smoke, id)), Is.EqualTo(text), $"{id}: the finished record was kept as it was");
        Assert.That(store.ReadAll("slow-test", Tier.Smoke).Select(r => r.Cell), Is.EquivalentTo(Grid), "one record per cell, every cell");
    }
}
