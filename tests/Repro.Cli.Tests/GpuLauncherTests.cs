using System.Diagnostics;
using Repro.Cli.Running;
using Repro.Cli.SweepChild;
using Repro.Harness;

namespace Repro.Cli.Tests;

/// <summary>`repro sweep --gpus N` on a CPU box: which device each child gets, that each child
/// really sees only its own (real processes, standing in for `repro run`), and the refusals.</summary>
public class GpuLauncherTests
{
    [Test]
    public void EachChildGetsOneOfTheParentsDevicesInOrder()
    {
        Assert.That(GpuLauncher.Assign(2, visible: null, available: 4), Is.EqualTo(new[] { "0", "1" }));
        Assert.That(GpuLauncher.Assign(2, visible: "5, 7", available: 2), Is.EqualTo(new[] { "5", "7" }),
            "the parent's CUDA_VISIBLE_DEVICES are the physical devices, one per child");
        Assert.That(GpuLauncher.Assign(1, visible: "GPU-8a1f,GPU-22c0", available: 2), Is.EqualTo(new[] { "GPU-8a1f" }), "UUIDs pass through");
        var tooMany = Assert.Throws<UsageException>(() => GpuLauncher.Assign(3, visible: "0,1", available: 2));
        Assert.That(tooMany!.Message, Does.Contain("--gpus 3").And.Contain("2 GPU(s)").And.Contain("CUDA_VISIBLE_DEVICES=0,1"));
        Assert.That(Assert.Throws<UsageException>(() => GpuLauncher.Assign(1, null, available: 0))!.Message,
            Does.Contain("0 GPU(s)").And.Contain("repro doctor"));
        Assert.That(Assert.Throws<UsageException>(() => GpuLauncher.Assign(0, null, 2))!.Message, Does.Contain("at least 1"));
    }

    [Test]
    public void EachChildSeesOnlyItsDeviceAndRunsItsShareOfTheRound()
    {
        var output = new StringWriter();
        // A stand-in for `repro run --cells <file>`: prints what it sees and the cells it was given.
        var launcher = new GpuLauncher(3, visible: "4,5,6", available: 3,
            (device, file) => new ProcessStartInfo("/bin/sh") { ArgumentList = { "-c", "echo sees=$CUDA_VISIBLE_DEVICES threads=$REPRO_THREADS; cat \"$1\"", "sh", file } },
            output);
        string[] cells = ["c0", "c1", "c2", "c3", "c4", "c5", "c6"];
        int exit = launcher.Run(cells, CancellationToken.None);
        Assert.That(exit, Is.EqualTo(0), output.ToString());
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var expected = new Dictionary<string, string[]> { ["4"] = ["c0", "c3", "c6"], ["5"] = ["c1", "c4"], ["6"] = ["c2", "c5"] };
        foreach (var (device, mine) in expected)
        {
            var own = lines.Where(l => l.StartsWith($"[gpu {device}] ", StringComparison.Ordinal)).Select(l => l[$"[gpu {device}] ".Length..]).ToList();
            Assert.That(own.Count(l => l.StartsWith("sees=", StringComparison.Ordinal)), Is.EqualTo(1), $"device {device}: one child");
            string sees = own.Single(l => l.StartsWith("sees=", StringComparison.Ordinal));
            Assert.That(sees, Does.StartWith($"sees={device} "), "a child sees exactly one device");
            if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("REPRO_THREADS")))
                Assert.That(sees, Does.EndWith($"threads={Math.Max(1, Environment.ProcessorCount / 3)}"), "the cores are split between the children");
            Assert.That(own.Where(l => l.StartsWith('c')), Is.EqualTo(mine), $"device {device}: its cells, round-robin");
        }
    }

    [Test]
    public void AFailingChildIsTheRoundsExitCode()
    {
        var launcher = new GpuLauncher(2, null, available: 2, (device, _) => new ProcessStartInfo("/bin/sh") { ArgumentList = { "-c", $"exit {(device == "1" ? 1 : 0)}" } },
            TextWriter.Null);
        Assert.That(launcher.Run(["a", "b"], CancellationToken.None), Is.EqualTo(1));
        Assert.That(launcher.Run(["a"], CancellationToken.None), Is.EqualTo(0), "a child with no cells is not started");
    }

    [Test]
    public void GpusIsRefusedWhereItCannotRun()
    {
        using var dir = new TempDirectory();
        var cpu = Cli.Run([new SlowExperiment()], "sweep", "slow-test", "--results", dir["results"], "--gpus", "2");
        Assert.That(cpu.ExitCode, Is.EqualTo(ExitCodes.BadArguments), cpu.ToString());
        Assert.That(cpu.Error, Does.Contain("--gpus: slow-test/smoke runs on cpu"));
        var both = Cli.Run([new SlowExperiment()], "sweep", "slow-test", "--results", dir["results"], "--gpus", "2", "--shard", "1/2");
        Assert.That(both.ExitCode, Is.EqualTo(ExitCodes.BadArguments), both.ToString());
        Assert.That(both.Error, Does.Contain("--gpus with --shard"));
        Assert.That(new ResultStore(dir["results"]).ReadAll("slow-test", Tier.Smoke), Is.Empty, "nothing ran");
    }

    [Test]
    public void RunCellsRunsExactlyTheListedCells()
    {
        using var dir = new TempDirectory();
        string file = dir["cells.txt"];
        File.WriteAllLines(file, ["beta=10_etat=0.1_z0=1_seed=1", "", "beta=0.1_etat=0.1_z0=1_seed=0"]);
        var run = Cli.Run([new SlowExperiment()], "run", "slow-test", "--results", dir["results"], "--cells", file);
        Assert.That(run.ExitCode, Is.EqualTo(0), run.ToString());
        Assert.That(new ResultStore(dir["results"]).ReadAll("slow-test", Tier.Smoke).Select(r => r.Cell),
            Is.EquivalentTo(new[] { "beta=10_etat=0.1_z0=1_seed=1", "beta=0.1_etat=0.1_z0=1_seed=0" }));

        File.WriteAllLines(file, ["beta=10_etat=0.1_z0=1_seed=1", "beta=3_etat=0.1_z0=1_seed=0"]);
        var bad = Cli.Run([new SlowExperiment()], "run", "slow-test", "--results", dir["results"], "--cells", file);
        Assert.That(bad.ExitCode, Is.EqualTo(ExitCodes.BadArguments), bad.ToString());
        Assert.That(bad.Error, Does.Contain($"--cells {file}, line 2: 'beta=3_etat=0.1_z0=1_seed=0' is no cell of slow-test/smoke"));
        var missing = Cli.Run([new SlowExperiment()], "run", "slow-test", "--results", dir["results"], "--cells", dir["absent.txt"]);
        Assert.That(missing.ExitCode, Is.EqualTo(ExitCodes.BadArguments), missing.ToString());
        Assert.That(missing.Error, Does.Contain("--cells").And.Contain("absent.txt"));
    }
}
