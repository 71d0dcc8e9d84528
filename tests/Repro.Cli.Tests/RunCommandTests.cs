using Repro.Cli.SweepChild;
using Repro.Harness;

using Repro.Training;

namespace Repro.Cli.Tests;

/// <summary>`repro run` and `repro list` in-process: filters pick cells, records go to the same
/// store as the tests' (reused on the next run), a failed cell exits 1, a diverged one does not.</summary>
public class RunCommandTests
{
    static string[] Run(TempDirectory dir, params string[] more) => ["run", "slow-test", "--results", dir["results"], .. more];

    [Test]
    public void RunsTheFilteredCellsThenReusesTheirRecords()
    {
        using var dir = new TempDirectory();
        var experiment = new SlowExperiment();
        var first = Cli.Run([experiment], Run(dir, "--beta", "1"));
        Assert.That(first.ExitCode, Is.EqualTo(0), first.ToString());
        Assert.That(first.Out, Does.Contain("slow-test/smoke: 2 of 2 cells: 2 ran, 0 reused; 2 complete, 0 diverged, 0 failed"));
        var records = new ResultStore(dir["results"]).ReadAll("slow-test", Tier.Smoke);
        Assert.That(records.Select(r => r.Cell), Is.EqualTo(new[] { "beta=1_etat=0.1_z0=1_seed=0", "beta=1_etat=0.1_z0=1_seed=1" }));
        Assert.That(records.Select(r => r.Curves["train_loss"].Steps.Count), Has.All.EqualTo(21));

        var again = Cli.Run([experiment], Run(dir, "--beta", "1"));
        Assert.That(again.Out, Does.Contain("2 of 2 cells: 0 ran, 2 reused"));
        var forced = Cli.Run([experiment], Run(dir, "--beta", "1", "--force"));
        Assert.That(forced.Out, Does.Contain("2 of 2 cells: 2 ran, 0 reused"));
        Assert.That(experiment.Runs, Is.EqualTo(4));
    }

    [Test]
    public void SetChangesTheSettingsAndKeepsItsRecordsApartFromTheDefaults()
    {
        using var dir = new TempDirectory();
        var experiment = new SlowExperiment();
        Assert.That(Cli.Run([experiment], Run(dir, "--beta", "1")).ExitCode, Is.EqualTo(0));
        var set = Cli.Run([experiment], Run(dir, "--beta", "1", "--set", "steps=5"));
        Assert.That(set.ExitCode, Is.EqualTo(0), set.ToString());
        Assert.That(set.Out, Does.Contain("settings: steps=5 over slow-test/smoke's defaults").And.Contain("2 ran, 0 reused"));
        string apart = Path.Combine(dir["results"], "set", "steps=5");
        Assert.That(set.Out, Does.Contain($"records: {Path.Combine(apart, "slow-test", "smoke")}"));
        var records = new ResultStore(apart).ReadAll("slow-test", Tier.Smoke);
        Assert.That(records.Select(r => r.Curves["train_loss"].Steps.Count), Is.EqualTo(new[] { 6, 6 }));
        Assert.That(records.Select(r => r.Config["settings"]!["steps"]!.GetValue<int>()), Has.All.EqualTo(5));
        Assert.That(new ResultStore(dir["results"]).ReadAll("slow-test", Tier.Smoke).Select(r => r.Curves["train_loss"].Steps.Count),
            Is.EqualTo(new[] { 21, 21 }), "the defaults' records are untouched");
        Assert.That(Cli.Run([experiment], Run(dir, "--beta", "1", "--set", "steps=5")).Out, Does.Contain("0 ran, 2 reused"));
    }

    [TestCase(new[] { "--axis", "seed=1", "--axis", "beta=0.1,10" }, new[] { "beta=0.1_etat=0.1_z0=1_seed=1", "beta=10_etat=0.1_z0=1_seed=1" })]
    [TestCase(new[] { "--eta", "10", "--seed", "0" }, new[] { "beta=0.1_etat=0.1_z0=1_seed=0" })]  // eta = eta~ / beta^2
    [TestCase(new[] { "--etat", "0.1", "--z0", "1", "--beta", "10" }, new[] { "beta=10_etat=0.1_z0=1_seed=0", "beta=10_etat=0.1_z0=1_seed=1" })]
    public void FiltersKeepTheCellsThatMatchEveryAxis(string[] filters, string[] cells)
    {
        using var dir = new TempDirectory();
        var result = Cli.Run([new SlowExperiment()], Run(dir, filters));
        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(new ResultStore(dir["results"]).ReadAll("slow-test", Tier.Smoke).Select(r => r.Cell), Is.EquivalentTo(cells));
    }

    [Test]
    public void AFailedCellExitsWithOneAndTheSweepGoesOn()
    {
        using var dir = new TempDirectory();
        var result = Cli.Run([new SlowExperiment { FailSeed = 0 }], Run(dir, "--beta", "0.1"));
        Assert.That(result.ExitCode, Is.EqualTo(1), result.ToString());
        Assert.That(result.Out, Does.Contain("1 complete, 0 diverged, 1 failed"));
        Assert.That(result.Out, Does.Contain("failed: beta=0.1_etat=0.1_z0=1_seed=0: System.InvalidOperationException: slow-test fails at seed 0 on purpose"));
        Assert.That(new ResultStore(dir["results"]).TryRead("slow-test", Tier.Smoke, "beta=0.1_etat=0.1_z0=1_seed=0")!.Status, Is.EqualTo(RunStatus.Failed));
    }

    [Test]
    public void ADivergedCellIsAResultNotAFailure()
    {
        using var dir = new TempDirectory();
        var result = Cli.Run([new SlowExperiment { DivergeBeta = 10 }], Run(dir, "--beta", "10"));
        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(result.Out, Does.Contain("diverged at step 10").And.Contain("0 complete, 2 diverged, 0 failed"));
    }

    [Test]
    public void ListShowsGridSizesDataAndRecords()
    {
        using var dir = new TempDirectory();
        var experiment = new SlowExperiment
        {
            Needs = [new DataNeed("cifar-10", "/nowhere/cifar-10-batches-bin", () => false, "REPRO_DATA=<folder with cifar-10-batches-bin>")],
        };
        // The records come from a run where the data is there (a run without it stops before any cell).
        Assert.That(Cli.Run([new SlowExperiment()], Run(dir, "--beta", "1")).ExitCode, Is.Zero);
        var result = Cli.Run([experiment], "list", "--results", dir["results"]);
        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(result.Out, Does.Contain("slow-test: arithmetic cells"));
        Assert.That(result.Out, Does.Contain("smoke  6 cells = 3 beta x 1 etat x 1 z0 x 2 seed; pinned by goldens; records: 2/6 finished"));
        Assert.That(result.Out, Does.Contain("full   6 cells").And.Contain("reported, not pinned; records: 0/6 finished"));
        Assert.That(result.Out, Does.Contain("cifar-10 (/nowhere/cifar-10-batches-bin): MISSING; REPRO_DATA=<folder with cifar-10-batches-bin>"));
    }
}
