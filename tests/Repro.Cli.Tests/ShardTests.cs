using Repro.Cli.SweepChild;
using Repro.Experiments;
using Repro.Harness;

namespace Repro.Cli.Tests;

/// <summary>Shards split a grid into disjoint parts that cover it, whatever their number; SLURM's
/// array variables map onto 1-based shards; a sweep of every shard writes every record once.</summary>
public class ShardTests
{
    static IEnumerable<TestCaseData> Grids()
    {
        yield return new TestCaseData("slow-test/smoke", new SlowExperiment().Grid(Tier.Smoke).Cells().Select(c => c.Id).ToList());
        yield return new TestCaseData("logreg-synthetic/full", new LogregSynthetic().Grid(Tier.Full).Cells().Select(c => c.Id).ToList());
        yield return new TestCaseData("three cells", new List<string> { "a", "b", "c" });
    }

    [TestCaseSource(nameof(Grids))]
    public void ShardsAreDisjointAndCoverTheGrid(string grid, List<string> cells)
    {
        for (int n = 1; n <= 5; n++)
        {
            var parts = Enumerable.Range(1, n).Select(i => new Shard(i, n).Select(cells)).ToList();
            var union = parts.SelectMany(p => p).ToList();
            Assert.That(union, Is.EquivalentTo(cells), $"{grid}, n={n}: the union of the shards is the grid, each cell once");
            Assert.That(parts.Max(p => p.Count) - parts.Min(p => p.Count), Is.LessThanOrEqualTo(1), $"{grid}, n={n}: shards are balanced");
        }
    }

    [TestCase("1/1", 1, 1)]
    [TestCase("3/4", 3, 4)]
    public void ParsesOneBasedShards(string text, int index, int count) =>
        Assert.That(Shard.Parse(text), Is.EqualTo(new Shard(index, count)));

    [TestCase("5/3", "i must be in 1..3")]
    [TestCase("0/3", "i must be in 1..3")]
    [TestCase("1/0", "n must be at least 1")]
    [TestCase("2", "not of the form")]
    [TestCase("a/b", "not of the form")]
    public void RejectsMalformedShards(string text, string why)
    {
        var e = Assert.Throws<FormatException>(() => Shard.Parse(text))!;
        Assert.That(e.Message, Does.Contain(why).And.Contain(Shard.Form));
    }

    [TestCase("0", "0", "4", 1)]   // --array=0-3
    [TestCase("3", "0", "4", 4)]
    [TestCase("1", "1", "4", 1)]   // --array=1-4
    [TestCase("4", "1", "4", 4)]
    [TestCase("2", null, "4", 3)]  // no _MIN: ids from 0
    public void SlurmArrayTasksMapToOneBasedShards(string id, string? min, string count, int index)
    {
        var variables = new Dictionary<string, string?> { ["SLURM_ARRAY_TASK_ID"] = id, ["SLURM_ARRAY_TASK_MIN"] = min, ["SLURM_ARRAY_TASK_COUNT"] = count };
        Assert.That(Shard.FromSlurm(v => variables.GetValueOrDefault(v)), Is.EqualTo(new Shard(index, int.Parse(count))));
    }

    [Test]
    public void OutsideASlurmArrayThereIsNoShard() => Assert.That(Shard.FromSlurm(_ => null), Is.Null);

    [Test]
    public void ASteppedSlurmArrayIsRejected()
    {
        var variables = new Dictionary<string, string?> { ["SLURM_ARRAY_TASK_ID"] = "8", ["SLURM_ARRAY_TASK_MIN"] = "0", ["SLURM_ARRAY_TASK_COUNT"] = "4" };
        Assert.That(() => Shard.FromSlurm(v => variables.GetValueOrDefault(v)), Throws.TypeOf<FormatException>().With.Message.Contains("contiguous"));
    }

    [Test]
    public void SweepingEveryShardWritesEachCellOnce()
    {
        using var dir = new TempDirectory();
        var experiment = new SlowExperiment();
        var seen = new List<string>();
        for (int i = 1; i <= 4; i++)
        {
            var result = Cli.Run([experiment], "sweep", "slow-test", "--shard", $"{i}/4", "--results", dir["results"]);
            Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
            seen.AddRange(result.Out.Split('\n').Where(l => l.EndsWith(": started", StringComparison.Ordinal)).Select(l => l.Split(' ')[3].TrimEnd(':')));
        }
        var grid = experiment.Grid(Tier.Smoke).Cells().Select(c => c.Id).ToList();
        Assert.That(seen, Is.EquivalentTo(grid), "each cell ran in exactly one shard");
        Assert.That(experiment.Runs, Is.EqualTo(grid.Count));
        Assert.That(new ResultStore(dir["results"]).ReadAll("slow-test", Tier.Smoke).Select(r => r.Cell), Is.EquivalentTo(grid));
    }
}
