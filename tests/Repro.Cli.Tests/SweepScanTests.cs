using Repro.Cli.SweepChild;
using Repro.Harness;

namespace Repro.Cli.Tests;

/// <summary>`repro sweep` of a grid with an eta scan: it runs the rounds the scan asks for, then prints
/// the claims table; a sweep of a slice says how to run the whole tier.</summary>
public class SweepScanTests
{
    [Test]
    public void TheSweepRunsTheScansRoundsAndPrintsTheClaims()
    {
        using var dir = new TempDirectory();
        var experiment = new SlowExperiment { Scanned = true };
        var result = Cli.Run([experiment], "sweep", "slow-test", "--results", dir["results"], "--report-dir", dir["report"]);
        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(result.Out, Does.Contain("eta scan round 1:"));
        var records = new ResultStore(dir["results"]).ReadAll("slow-test", Tier.Smoke);
        // beta 0.01: eta* = 100 is 6 doublings above the start (0.5, 1, 2): the scan goes to 128 and turns back.
        Assert.That(records.Select(r => r.Cell), Does.Contain("beta=0.01_eta=128_z0=1_seed=0").And.Contain("beta=10_eta=0.0625_z0=1_seed=2"));
        Assert.That(records.Where(r => r.Cell.Contains("z0=30")).Select(r => r.Cell), Has.Some.EqualTo("beta=1_eta=1_z0=30_seed=1"), "||Z0|| = 30 runs at eta*");
        Assert.That(records.Count(r => r.Cell.Contains("z0=30")), Is.EqualTo(4 * 3), "one rate per beta at ||Z0|| = 30, every seed");
        Assert.That(result.Out, Does.Contain("the paper's claims at this scale"));
        Assert.That(result.Out, Does.Match(@"C3\s+-(0\.9\d*|1(\.0\d*)?) \[[-0-9.]+, [-0-9.]+\]\s+consistent"), result.Out);
        Assert.That(result.Out, Does.Not.Contain("ran a slice"));

        var again = Cli.Run([experiment], "sweep", "slow-test", "--results", dir["results"], "--report-dir", dir["report"]);
        var ran = System.Text.RegularExpressions.Regex.Matches(again.Out, @"(\d+) ran,").Select(m => m.Groups[1].Value).ToList();
        Assert.That(ran, Has.Count.GreaterThan(1).And.All.EqualTo("0"), "every round resumes from the records: nothing runs again");
    }

    [Test]
    public void ASliceSaysHowToRunTheWholeTier()
    {
        using var dir = new TempDirectory();
        var result = Cli.Run([new SlowExperiment { Scanned = true }], "sweep", "slow-test", "--beta", "1", "--results", dir["results"], "--report-dir", dir["report"]);
        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(new ResultStore(dir["results"]).ReadAll("slow-test", Tier.Smoke).Select(r => r.Cell), Has.All.StartWith("beta=1_"), "the scan's rounds keep to the slice");
        Assert.That(result.Out, Does.Contain("this sweep ran a slice of slow-test/smoke").And.Contain("sweep slow-test --tier smoke"));
        Assert.That(result.Out, Does.Contain("needs two betas"), "a slice of one beta cannot measure C1, and says so");
    }
}
