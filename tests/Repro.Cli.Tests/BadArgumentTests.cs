using Repro.Cli.SweepChild;

namespace Repro.Cli.Tests;

/// <summary>Bad arguments exit with 2 and one line on stderr saying what is wrong and what is
/// accepted; nothing runs.</summary>
public class BadArgumentTests
{
    [TestCase(new[] { "sweep", "slow-test", "--shard", "5/3" }, "--shard '5/3': i must be in 1..3", "1/4, 2/4, 3/4, 4/4")]
    [TestCase(new[] { "sweep", "slow-test", "--shard", "two" }, "--shard 'two' is not of the form", "i/n")]
    [TestCase(new[] { "run", "no-such-thing" }, "unknown experiment 'no-such-thing'", "experiments: slow-test")]
    [TestCase(new[] { "sweep", "no-such-thing" }, "unknown experiment 'no-such-thing'", "experiments: slow-test")]
    [TestCase(new[] { "run", "slow-test", "--tier", "huge" }, "--tier 'huge' is not a tier", "tiers: smoke, short, full")]
    [TestCase(new[] { "run", "slow-test", "--axis", "bn=true" }, "has no grid axis 'bn'", "axes: beta, etat, eta, z0, seed")]
    [TestCase(new[] { "run", "slow-test", "--gamma", "1" }, "unrecognized '--gamma 1'", "any other axis: --axis name=v1,v2")]
    [TestCase(new[] { "run", "slow-test", "--axis", "bn" }, "--axis 'bn' is not of the form name=v1,v2", "--axis net=mlp,cnn")]
    [TestCase(new[] { "run", "slow-test", "--beta", "0.5" }, "no cell of slow-test/smoke has beta=0.5", "beta values: 0.1, 1, 10")]
    [TestCase(new[] { "run", "slow-test", "--beta", "1,0.5" }, "no cell of slow-test/smoke has beta=0.5", "beta values: 0.1, 1, 10")]
    [TestCase(new[] { "run", "slow-test", "--beta", "abc" }, "--beta 'abc' is not a number", "--beta 0.1,1")]
    [TestCase(new[] { "run", "slow-test", "--seed", "7" }, "has seed=7", "seed values: 0, 1")]
    [TestCase(new[] { "run", "slow-test", "--z0", "init" }, "has z0=init", "z0 values: 1")]
    [TestCase(new[] { "report", "/nonexistent/results", "--out", "/tmp/unused" }, "results directory '/nonexistent/results' does not exist", "<results dir>/<experiment>/<tier>/<cell>.json")]
    [TestCase(new[] { "report", "/tmp" }, "--out", "required")]
    [TestCase(new[] { "frobnicate" }, "unknown command 'frobnicate'", "commands: doctor, list, run, sweep, report, export, golden, data, container")]
    [TestCase(new[] { "golden", "frob" }, "repro golden: unknown command 'frob'", "commands: diff, accept, check")]
    [TestCase(new[] { "run", "slow-test", "--set", "stepz=5" }, "--set stepz: the settings have no 'stepz'", "there are: steps")]
    [TestCase(new[] { "sweep", "slow-test", "--set", "steps=many" }, "--set steps=many: expected a number", "now 20")]
    [TestCase(new[] { "run", "slow-test", "--set", "steps=2.5" }, "setting 'steps' cannot hold that value", "--set steps=2.5")]
    [TestCase(new[] { "sweep", "slow-test", "--results", "" }, "--results '': give the results folder", "an empty path names none")]
    [TestCase(new[] { "container", "smoke", "--memory", "12q" }, "--memory: '12q' is not a size", "512m, 8g")]
    [TestCase(new[] { "container", "test", "medium" }, "'medium' not recognized", "'smoke' 'short' 'full'")]
    [TestCase(new[] { "container", "box" }, "repro container: unknown command 'box'", "commands: smoke, test, sweep")]
    [TestCase(new string[0], "a command is required", "commands: doctor, list, run, sweep, report, export, golden, data, container")]
    public void ExitWithTwoAndOneLineSayingWhatIsWrongAndWhatIsAccepted(string[] args, string wrong, string accepted)
    {
        var experiment = new SlowExperiment();
        var result = Cli.Run([experiment], args);
        Assert.That(result.ExitCode, Is.EqualTo(2), result.ToString());
        Assert.That(result.ErrorLines, Has.Length.EqualTo(1), result.ToString());
        Assert.That(result.ErrorLines[0], Does.StartWith("repro").And.Contain(wrong).And.Contain(accepted));
        Assert.That(experiment.Runs, Is.Zero, "nothing ran");
    }

    /// <summary>An impossible setting of a real experiment stops before any cell: exit 2, one line
    /// naming the setting, its value and what is allowed, and no record of any status.</summary>
    [TestCase("steps=-5", "steps = -5: must be > 0")]
    [TestCase("examples=0", "examples = 0: must be > 0")]
    [TestCase("logEvery=0", "logEvery = 0: must be > 0")]
    public void AnImpossibleSettingWritesNoRecord(string assignment, string problem)
    {
        using var results = new TempDirectory();
        var result = Cli.Run([new Repro.Experiments.LogregSynthetic()], "run", "logreg-synthetic", "--set", assignment, "--results", results.Path);
        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.BadArguments), result.ToString());
        Assert.That(result.ErrorLines, Is.EqualTo(new[] { $"repro run: --set {assignment}: logreg-synthetic's smoke settings: {problem}" }), result.ToString());
        Assert.That(Directory.EnumerateFileSystemEntries(results.Path, "*", SearchOption.AllDirectories), Is.Empty, "no record, no lock");
    }
}
