using Repro.Experiments;
using Repro.Torch;

namespace Repro.Cli.Tests;

/// <summary>A tier that cannot run here stops before its first cell with one line and exit 3,
/// and writes no record (not a failed record per cell).</summary>
public class UnavailableTierTests
{
    [TestCase("sweep")]
    [TestCase("run")]
    public void TheFullTierWithoutCudaOrDataExitsThreeWithOneLineAndNoRecord(string command)
    {
        if (TorchRuntime.CudaBuilt && torch.cuda.device_count() > 0 && Environment.GetEnvironmentVariable("REPRO_DATA") is { Length: > 0 })
            Assert.Ignore("this machine has CUDA and a data folder: the full tier may run here");
        using var results = new TempDirectory();
        var result = Cli.Run([new WrnCifar10()], command, "wrn-cifar10", "--tier", "full", "--results", results.Path);
        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Unavailable), result.ToString());
        Assert.That(result.ErrorLines, Has.Length.EqualTo(1), result.ToString());
        Assert.That(result.ErrorLines[0], Does.StartWith($"repro {command}: wrn-cifar10/full cannot run here: "));
        // Whatever is missing here is named: CUDA (a CPU libtorch or no GPU) or the CIFAR-10 folder.
        Assert.That(result.ErrorLines[0], Does.Contain("CUDA: the recipe runs on cuda").Or.Contain("data: cifar-10"));
        Assert.That(Directory.EnumerateFileSystemEntries(results.Path, "*", SearchOption.AllDirectories), Is.Empty, "no record, no lock");
    }

    [Test]
    public void AMissingDatasetStopsBeforeTheFirstCell()
    {
        using var results = new TempDirectory();
        var need = new Repro.Harness.DataNeed("toy-set", "/nowhere/toy-set", () => false, "put it at /nowhere/toy-set");
        var experiment = new Repro.Cli.SweepChild.SlowExperiment { Needs = [need] };
        var result = Cli.Run([experiment], "sweep", "slow-test", "--results", results.Path);
        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Unavailable), result.ToString());
        Assert.That(result.ErrorLines, Is.EqualTo(new[] { "repro sweep: slow-test/smoke cannot run here: data: toy-set not found at /nowhere/toy-set; put it at /nowhere/toy-set" }));
        Assert.That(experiment.Runs, Is.Zero);
        Assert.That(Directory.EnumerateFileSystemEntries(results.Path, "*", SearchOption.AllDirectories), Is.Empty);
    }

    [TestCase("sweep")]
    [TestCase("run")]
    public void ADamagedDataFileStopsTheRunAtTheFirstCellItFails(string command)
    {
        // Every cell reads the same file: failing the other five on it one by one says nothing more.
        using var results = new TempDirectory();
        var experiment = new Repro.Cli.SweepChild.SlowExperiment { DamagedFile = "/data/toy-set/batch_1.bin" };
        var result = Cli.Run([experiment], command, "slow-test", "--results", results.Path);
        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Failed), result.ToString());
        Assert.That(experiment.Runs, Is.EqualTo(1), result.ToString());
        Assert.That(result.Out, Does.Contain("1 of 6 cells: 1 ran, 0 reused; 0 complete, 0 diverged, 1 failed; stopped"));
        Assert.That(result.Out, Does.Contain("stopped: /data/toy-set/batch_1.bin is damaged and every cell reads it: the other 5 cells were not run"));
        Assert.That(result.Out, Does.Contain("failed: ").And.Contain("/data/toy-set/batch_1.bin: truncated on purpose"));
    }

    [Test]
    public void DataPointsTheRunAtTheDatasetsFolder()
    {
        using var results = new TempDirectory();
        using var data = new TempDirectory();
        Directory.CreateDirectory(Path.Combine(data.Path, "toy-set"));
        string? before = Environment.GetEnvironmentVariable(Repro.Data.DataFolder.Variable);
        var experiment = new Repro.Cli.SweepChild.SlowExperiment { Needs = [DataSources.Folder("toy-set", "toy-set", "toy-set.tar.gz")] };

        var missing = Cli.Run([experiment], "sweep", "slow-test", "--results", results.Path, "--data", Path.Combine(data.Path, "nowhere"));
        Assert.That(missing.ExitCode, Is.EqualTo(ExitCodes.BadArguments), missing.ToString());
        Assert.That(missing.ErrorLines[0], Does.StartWith("repro sweep: --data: no folder").And.Contain("nowhere"));

        var ran = Cli.Run([experiment], "sweep", "slow-test", "--results", results.Path, "--data", data.Path, "--seed", "0", "--beta", "1");
        Assert.That(ran.ExitCode, Is.EqualTo(ExitCodes.Success), ran.ToString());
        Assert.That(experiment.Runs, Is.EqualTo(1), "the requirement found the dataset under --data");
        Assert.That(Environment.GetEnvironmentVariable(Repro.Data.DataFolder.Variable), Is.EqualTo(before), "REPRO_DATA is put back after the command");
    }

    [Test]
    public void ABugIsReportedWithItsStackAndExitOne()
    {
        // An experiment whose grid throws what no user error is: the message and the trace, exit 1.
        var result = Cli.Run([new Repro.Cli.SweepChild.SlowExperiment { GridFails = true }], "run", "slow-test");
        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Failed), result.ToString());
        Assert.That(result.Error, Does.Contain("unexpected error (a bug in repro").And.Contain("grid fails on purpose").And.Contain("   at "));
    }
}
