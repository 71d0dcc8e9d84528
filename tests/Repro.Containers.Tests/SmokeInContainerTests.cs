using System.Text.Json.Nodes;
using System.Xml.Linq;
using Repro.Experiments;
using Repro.Harness;
using Repro.Harness.Containers;

namespace Repro.Containers.Tests;

/// <summary>
/// The smoke tier of logreg-synthetic inside the CPU image, through the runner users and CI use
/// (`repro container smoke`), with one golden snapshot planted with a changed value. One run
/// serves both checks, because a container run costs minutes of CI: every record the container
/// wrote passes the host's own golden check against the checkout's snapshots, and the planted
/// cell, and only it, fails inside the container with the very snapshot the host writes for
/// that record against the planted golden.
/// The base is REPRO_CONTAINER_BASE, else Debian 12 from debootstrap (no image registry needed).
/// </summary>
[Category("Container"), NonParallelizable]
public sealed class SmokeInContainerTests
{
    const string Experiment = "logreg-synthetic";
    const string Filter = "FullyQualifiedName~LogregSyntheticTests.Smoke";
    const string PlantedQuantity = "test_loss";

    string work = "";
    string plantedCell = "";
    ContainerOutcome outcome = null!;
    XDocument trx = null!;

    static string Root => ReproPaths.Root;
    static IExperiment Logreg => Catalog.Find(Experiment);

    [OneTimeSetUp]
    public void RunTheSmokeTierInTheImage()
    {
        work = Directory.CreateTempSubdirectory("repro-container-test.").FullName;
        string planted = Path.Combine(work, "golden");
        CopyFolder(Path.Combine(Root, "golden"), planted);
        plantedCell = Logreg.Grid(Tier.Smoke).Cells().First().Id;
        Plant(new GoldenStore(planted).VerifiedPath(Experiment, Tier.Smoke, plantedCell));

        void Log(string line) => TestContext.Progress.WriteLine(line);
        using var engine = DockerEngine.Ensure(Root, Log);
        var image = TestImage.Cpu;
        string tag = image.Ensure(engine, Root, Log, CancellationToken.None);
        var run = ContainerRun.Tests(Tier.Smoke, Filter, Path.Combine(work, "results")) with { Goldens = planted };
        outcome = run.Execute(engine, image, tag, Root, Log, CancellationToken.None);
        TestContext.Progress.WriteLine($"container run: exit {outcome.ExitCode} in {outcome.Elapsed.TotalSeconds:F0} s, " +
                                       $"{outcome.Records.Count} records, {outcome.Received.Count} received");
        string trxPath = Path.Combine(work, "results", "tests", "tests.trx");
        Assert.That(trxPath, Does.Exist, "the container wrote the outcome of its test cases");
        trx = XDocument.Load(trxPath);
    }

    [OneTimeTearDown]
    public void RemoveTheWorkFolder()
    {
        if (work.Length > 0) Directory.Delete(work, recursive: true);
    }

    [Test]
    public void EveryRecordOfTheContainerPassesTheHostsGoldenCheck()
    {
        var cells = Logreg.Grid(Tier.Smoke).Cells().Select(c => c.Id).ToList();
        var records = new ResultStore(Path.Combine(work, "results")).ReadAll(Experiment, Tier.Smoke);
        Assert.That(records.Select(r => r.Cell), Is.EquivalentTo(cells), "one record per smoke cell came back");

        // The host's check (the one `dotnet test` runs), against a fresh copy of the checkout's goldens.
        string goldens = Path.Combine(work, "host-golden");
        CopyFolder(Path.Combine(Root, "golden"), goldens);
        foreach (var record in records)
        {
            var check = new GoldenStore(goldens).Check(record, Logreg.GoldenQuantities(record), accept: false);
            Assert.That(check.Passed, Is.True, check.Message);
        }
    }

    [Test]
    public void ThePlantedGoldenFailsInsideExactlyAsOutside()
    {
        var results = TestResults();
        var failed = results.Where(r => r.outcome != "Passed").Select(r => r.name).ToList();
        Assert.That(results, Has.Count.EqualTo(Logreg.Grid(Tier.Smoke).Cells().Count()), "the smoke cases of logreg-synthetic ran");
        Assert.That(failed, Has.Count.EqualTo(1).And.All.Contains(plantedCell), "only the planted cell fails inside");
        Assert.That(outcome.ExitCode, Is.Not.Zero, "a failing golden fails the container's run");

        string insidePath = outcome.Received.Single();
        Assert.That(insidePath, Does.EndWith($"{plantedCell}.received.json"));

        // Outside: the host's check of the same record against the same planted golden.
        string outside = Path.Combine(work, "outside-golden");
        CopyFolder(Path.Combine(Root, "golden"), outside);
        var store = new GoldenStore(outside);
        Plant(store.VerifiedPath(Experiment, Tier.Smoke, plantedCell));
        var record = new ResultStore(Path.Combine(work, "results")).TryRead(Experiment, Tier.Smoke, plantedCell)!;
        var check = store.Check(record, Logreg.GoldenQuantities(record), accept: false);
        Assert.That(check.Passed, Is.False);
        Assert.That(check.Message, Does.Contain(PlantedQuantity));
        Assert.That(File.ReadAllText(insidePath), Is.EqualTo(File.ReadAllText(store.ReceivedPath(Experiment, Tier.Smoke, plantedCell))),
            "the snapshot received inside is the one the host writes");
    }

    /// <summary>Doubles one pinned value: far outside any tolerance, and nothing else changes.</summary>
    static void Plant(string verifiedPath)
    {
        var golden = JsonNode.Parse(File.ReadAllText(verifiedPath))!.AsObject();
        var quantity = golden["quantities"]![PlantedQuantity]!;
        quantity["value"] = 2 * quantity["value"]!.GetValue<double>();
        File.WriteAllText(verifiedPath, golden.ToJsonString());
    }

    List<(string name, string outcome)> TestResults()
    {
        XNamespace ns = trx.Root!.Name.Namespace;
        return trx.Descendants(ns + "UnitTestResult")
            .Select(r => ((string)r.Attribute("testName")!, (string)r.Attribute("outcome")!)).ToList();
    }

    static void CopyFolder(string from, string to)
    {
        foreach (string file in Directory.EnumerateFiles(from, "*.verified.json", SearchOption.AllDirectories))
        {
            string target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}

/// <summary>What goes wrong before a tier runs gives one message saying what and where.</summary>
[Category("Container"), NonParallelizable]
public sealed class ContainerFailureTests
{
    static void Log(string line) => TestContext.Progress.WriteLine(line);

    [Test]
    public void ABrokenDockerfileFailsWithTheFailingStepAndItsOutput()
    {
        string root = Directory.CreateTempSubdirectory("repro-broken-dockerfile.").FullName;
        try
        {
            // A checkout whose Dockerfile has a step that fails after saying something.
            foreach (string file in new[] { "Repro.sln", "containers/base.sh", ".ci/debian-mirror", "src/Repro.Torch/native/ensure-packages.sh" })
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(root, file))!);
                File.Copy(Path.Combine(ReproPaths.Root, file), Path.Combine(root, file));
            }
            File.WriteAllText(Path.Combine(root, "containers", "Dockerfile"),
                "ARG BASE\nFROM ${BASE}\nARG TORCH\nARG DOTNET\nRUN echo 'the step says why' && exit 7\n");
            using var engine = DockerEngine.Ensure(ReproPaths.Root, Log);
            var image = TestImage.Cpu;
            var e = Assert.Throws<ContainerException>(() => image.Ensure(engine, root, Log, CancellationToken.None))!;
            TestContext.Out.WriteLine(e.Message);
            Assert.That(e.Message, Does.Contain(Path.Combine(root, "containers", "Dockerfile")));
            Assert.That(e.Message, Does.Contain("RUN echo 'the step says why' && exit 7"), "names the failing step");
            Assert.That(e.Message, Does.Contain("  the step says why"), "shows the step's output");
            Assert.That(e.Message, Does.Contain("returned a non-zero code: 7"));
        }
        finally { Directory.Delete(root, recursive: true); }
    }

    [Test]
    public void GpusOnAnEngineWithoutTheNvidiaRuntimeSayWhatToInstall()
    {
        using var engine = DockerEngine.Ensure(ReproPaths.Root, Log);
        var runtimes = engine.Get("/info")["Runtimes"]?.AsObject();
        if (runtimes?.ContainsKey("nvidia") == true) Assert.Ignore("this engine has the NVIDIA runtime: --gpus is given GPUs here");
        var image = TestImage.Cpu;
        string tag = image.Ensure(engine, ReproPaths.Root, Log, CancellationToken.None);
        string results = Directory.CreateTempSubdirectory("repro-gpus.").FullName;
        try
        {
            var run = ContainerRun.Tests(Tier.Smoke, "FullyQualifiedName~LogregSynthetic", results) with { Gpus = true };
            var e = Assert.Throws<ContainerException>(() => run.Execute(engine, image, tag, ReproPaths.Root, Log, CancellationToken.None))!;
            TestContext.Out.WriteLine(e.Message);
            Assert.That(e.Message, Does.Contain("no NVIDIA runtime").And.Contain("NVIDIA Container Toolkit"));
        }
        finally { Directory.Delete(results, recursive: true); }
    }

    [Test]
    public void AContainerOutOfMemoryIsOneMessageAndKeepsWhatTheResultsFolderHeld()
    {
        using var engine = DockerEngine.Ensure(ReproPaths.Root, Log);
        var image = TestImage.Cpu;
        string tag = image.Ensure(engine, ReproPaths.Root, Log, CancellationToken.None);
        string results = Directory.CreateTempSubdirectory("repro-oom.").FullName;
        try
        {
            // A record an earlier run finished: the failed run must leave it alone.
            string earlier = Path.Combine(results, "logreg-synthetic", "smoke", "earlier.json");
            Directory.CreateDirectory(Path.GetDirectoryName(earlier)!);
            File.WriteAllText(earlier, "{}");
            // 48 MiB: the .NET SDK cannot build the project in it, and the kernel kills it.
            var run = ContainerRun.Tests(Tier.Smoke, "FullyQualifiedName~LogregSynthetic", results) with { MemoryBytes = 48L << 20 };
            var e = Assert.Throws<ContainerException>(() => run.Execute(engine, image, tag, ReproPaths.Root, Log, CancellationToken.None))!;
            TestContext.Out.WriteLine(e.Message);
            Assert.That(e.Message, Does.Contain("ran out of memory").And.Contain("48 MiB").And.Contain(results));
            Assert.That(File.ReadAllText(earlier), Is.EqualTo("{}"));
        }
        finally { Directory.Delete(results, recursive: true); }
    }
}

/// <summary>The CPU image the category builds: on REPRO_CONTAINER_BASE, else the debootstrap base.</summary>
static class TestImage
{
    public static ContainerImage Cpu => ContainerImage.Cpu(Environment.GetEnvironmentVariable("REPRO_CONTAINER_BASE") ?? ContainerImage.LocalBase);
}
