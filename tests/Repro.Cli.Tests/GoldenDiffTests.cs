using System.Text.Json.Nodes;
using Repro.Harness;

namespace Repro.Cli.Tests;

/// <summary>`repro golden diff`: for each received snapshot, the quantities that moved against
/// its verified one (not those that held), a new snapshot in full; exit 1 while any is received.</summary>
public class GoldenDiffTests
{
    static GoldenFile Snapshot(string cell, params (string Name, double Value)[] quantities) => new()
    {
        Experiment = "demo", Tier = "smoke", Cell = cell, ConfigHash = new string('a', 64), Config = new JsonObject { ["steps"] = 10 },
        Quantities = quantities.Select(q => new GoldenQuantity(q.Name, q.Value, new Tolerance(1e-6, 0))).ToList(),
    };

    [Test]
    public void ShowsTheQuantitiesThatMovedAndNewSnapshots()
    {
        using var dir = new TempDirectory();
        var store = new GoldenStore(dir.Path);
        Directory.CreateDirectory(dir["demo/smoke"]);
        File.WriteAllText(store.VerifiedPath("demo", Tier.Smoke, "a"), Snapshot("a", ("loss0", 1.0), ("accuracy", 0.5)).ToJson());
        File.WriteAllText(store.ReceivedPath("demo", Tier.Smoke, "a"), Snapshot("a", ("loss0", 1.0), ("accuracy", 0.75)).ToJson());
        File.WriteAllText(store.ReceivedPath("demo", Tier.Smoke, "b"), Snapshot("b", ("loss0", 2.0)).ToJson());

        var result = Cli.Run([], "golden", "diff", "--dir", dir.Path);
        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        var lines = result.Out.Split('\n');
        Assert.That(lines, Has.Some.EqualTo("demo/smoke/a: 1 of 2 quantities moved"));
        Assert.That(lines, Has.Some.Matches(@"^accuracy\s+0\.5\s+0\.75\s+5E-07\s+0\.5\s+MOVED$"));
        var blockOfA = lines.SkipWhile(l => !l.StartsWith("demo/smoke/a", StringComparison.Ordinal)).TakeWhile(l => l.Length > 0).ToList();
        Assert.That(blockOfA, Has.None.StartsWith("loss0"), "a quantity that held is not shown for a verified snapshot");
        Assert.That(lines, Has.Some.EqualTo("demo/smoke/b: new, no verified snapshot (1 quantities)"));
        Assert.That(lines, Has.Some.Matches(@"^loss0\s+-\s+2\s+-\s+-\s+extra$"));
        Assert.That(result.Out, Does.Contain("2 received snapshot(s); accept them with `repro golden accept`"));

        Assert.That(Cli.Run([], "golden", "accept", "--dir", dir.Path).ExitCode, Is.EqualTo(0));
        var clean = Cli.Run([], "golden", "diff", "--dir", dir.Path);
        Assert.That(clean.ExitCode, Is.EqualTo(0), clean.ToString());
        Assert.That(clean.Out, Does.Contain("no received snapshots"));
    }

    [Test]
    public void AcceptIsAllOrNone()
    {
        using var dir = new TempDirectory();
        var store = new GoldenStore(dir.Path);
        Directory.CreateDirectory(dir["demo/smoke"]);
        string good = store.ReceivedPath("demo", Tier.Smoke, "a"), bad = store.ReceivedPath("demo", Tier.Smoke, "b");
        File.WriteAllText(good, Snapshot("a", ("loss0", 1.0)).ToJson());
        File.WriteAllText(bad, "{ \"experiment\": ");

        var refused = Cli.Run([], "golden", "accept", "--dir", dir.Path);
        Assert.That(refused.ExitCode, Is.EqualTo(1), refused.ToString());
        Assert.That(refused.Out, Does.Contain("1 of 2 received snapshot(s) cannot be read, so none was accepted").And.Contain(bad));
        Assert.That(File.Exists(good) && !File.Exists(store.VerifiedPath("demo", Tier.Smoke, "a")), "the readable one was not moved either");

        File.Delete(bad);
        var accepted = Cli.Run([], "golden", "accept", "--dir", dir.Path);
        Assert.That(accepted.ExitCode, Is.EqualTo(0), accepted.ToString());
        Assert.That(accepted.Out, Does.Contain("accepted demo/smoke/a.verified.json").And.Contain("1 snapshot(s) accepted"));
    }

    [Test]
    public void CheckFailsOnAVerifiedFileThatCannotBeRead()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir["demo/smoke"]);
        string broken = new GoldenStore(dir.Path).VerifiedPath("demo", Tier.Smoke, "a");
        File.WriteAllText(broken, "not json");
        var result = Cli.Run([], "golden", "check", "--dir", dir.Path);
        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(result.Out, Does.Contain($"unreadable: {broken}").And.Contain("1 unreadable"));
    }

    [TestCase("diff")]
    [TestCase("accept")]
    [TestCase("check")]
    public void AMissingDirIsAnError(string command)
    {
        var result = Cli.Run([], "golden", command, "--dir", "/nowhere/golden");
        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.BadArguments), result.ToString());
        Assert.That(result.ErrorLines, Is.EqualTo(new[] { $"repro golden {command}: --dir: no folder '/nowhere/golden' (the golden folder: <experiment>/<tier>/<cell>.verified.json)" }));
    }
}
