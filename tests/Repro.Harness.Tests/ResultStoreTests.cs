using Repro.Harness.CrashChild;

using Repro.Training;

namespace Repro.Harness.Tests;

public class ResultStoreTests
{
    static (ResultStore store, CellRunner runner, List<string> log) Make(TempDirectory dir)
    {
        var log = new List<string>();
        var store = new ResultStore(dir.Path);
        return (store, new CellRunner(store, m => { lock (log) log.Add(m); }), log);
    }

    static int RunGrid(CellRunner runner, ToyExperiment toy, bool reuseAcrossCode = false, bool? force = null)
    {
        int ran = 0;
        foreach (var cell in toy.Grid(Tier.Smoke).Cells())
        {
            runner.Run(toy, Tier.Smoke, cell, out bool r, reuseAcrossCode, force);
            ran += r ? 1 : 0;
        }
        return ran;
    }

    [Test]
    public void ASecondRunRerunsNothing()
    {
        using var dir = new TempDirectory();
        var (store, runner, _) = Make(dir);
        var toy = new ToyExperiment();
        Assert.That(RunGrid(runner, toy), Is.EqualTo(4));
        Assert.That(RunGrid(runner, toy), Is.EqualTo(0));
        Assert.That(toy.Runs, Is.EqualTo(4));
        Assert.That(store.ReadAll("toy", Tier.Smoke), Has.Count.EqualTo(4));
        Assert.That(RunGrid(runner, toy, force: true), Is.EqualTo(4), "REPRO_FORCE reruns");
    }

    [Test]
    public void AChangedConfigurationRunsAgain()
    {
        using var dir = new TempDirectory();
        var (store, runner, log) = Make(dir);
        var toy = new ToyExperiment();
        RunGrid(runner, toy);
        string before = store.TryRead("toy", Tier.Smoke, toy.Grid(Tier.Smoke).Cells()[0].Id)!.ConfigHash;
        Assert.That(RunGrid(runner, (ToyExperiment)toy.WithSettings(["steps=11"], Tier.Smoke)), Is.EqualTo(4));
        Assert.That(log, Has.Some.Contains("another configuration"));
        // The other configuration's records are kept beside, named by their hash, never replaced in silence.
        string cell = toy.Grid(Tier.Smoke).Cells()[0].Id;
        string aside = $"{store.PathFor("toy", Tier.Smoke, cell)}.{before[..12]}.other-config";
        Assert.That(File.Exists(aside), aside);
        Assert.That(RunRecord.Parse(File.ReadAllText(aside), aside).ConfigHash, Is.EqualTo(before));
        Assert.That(log, Has.Some.Contains($"moved to {aside}"));
        Assert.That(store.ReadAll("toy", Tier.Smoke), Has.Count.EqualTo(4), "the records set aside are not read as records");
    }

    [Test]
    public void AStoreWhoseLockCannotBeTakenIsReadNotWritten()
    {
        using var dir = new TempDirectory();
        var (store, runner, log) = Make(dir);
        var toy = new ToyExperiment();
        RunGrid(runner, toy);
        // A store this process cannot write, as a read-only mount is: every cell's lock file is
        // replaced by a folder, which cannot be opened for writing (root included).
        foreach (var c in toy.Grid(Tier.Smoke).Cells())
        {
            string lockPath = Path.Combine(Path.GetDirectoryName(store.PathFor("toy", Tier.Smoke, c.Id))!, $".{c.Id}.lock");
            File.Delete(lockPath);
            Directory.CreateDirectory(lockPath);
        }
        Assert.That(RunGrid(runner, toy), Is.Zero, "finished records are reused without the lock");
        var e = Assert.Throws<IOException>(() => RunGrid(runner, (ToyExperiment)toy.WithSettings(["steps=12"], Tier.Smoke)));
        Assert.That(e!.Message, Does.Contain("cannot be written").And.Contain("no finished record of this configuration"));
        Assert.That(toy.Runs, Is.EqualTo(4), "nothing ran that could not be kept");
    }

    [Test]
    public void ARecordThatCannotBeWrittenNamesTheCellAndSaysItRunsAgain()
    {
        using var dir = new TempDirectory();
        var (store, runner, _) = Make(dir);
        var toy = new ToyExperiment();
        var cell = toy.Grid(Tier.Smoke).Cells()[0];
        Directory.CreateDirectory(store.PathFor("toy", Tier.Smoke, cell.Id));  // a folder where the record goes
        var e = Assert.Throws<IOException>(() => runner.Run(toy, Tier.Smoke, cell, out _, reuseAcrossCode: false));
        Assert.That(e!.Message, Does.StartWith($"toy/smoke/{cell.Id}: its record could not be written").And.Contain("runs again on the next run"));
    }

    [Test]
    public void ARecordOfOtherCodeIsReusedOnlyWhenAllowed()
    {
        using var dir = new TempDirectory();
        var (store, runner, log) = Make(dir);
        var toy = new ToyExperiment();
        RunGrid(runner, toy);
        foreach (var r in store.ReadAll("toy", Tier.Smoke))
            File.WriteAllText(store.PathFor("toy", Tier.Smoke, r.Cell), r.ToJson().Replace(r.CodeFingerprint, "0000000000000000"));
        Assert.That(RunGrid(runner, toy, reuseAcrossCode: true), Is.EqualTo(0));
        Assert.That(log, Has.Some.Contains("reusing a record made by other code"));
        Assert.That(RunGrid(runner, toy, reuseAcrossCode: false), Is.EqualTo(4));
    }

    [Test]
    public void AFailedCellIsRecordedWithItsErrorAndRunAgain()
    {
        using var dir = new TempDirectory();
        var (store, runner, _) = Make(dir);
        var toy = new ToyExperiment { GridOverride = new Grid { Betas = [1], LearningRates = LearningRates.Eta(0.1), Seeds = [0, 13] } };
        Assert.That(RunGrid(runner, toy), Is.EqualTo(2));
        var failed = store.ReadAll("toy", Tier.Smoke).Single(r => r.Seed == 13);
        Assert.That(failed.Status, Is.EqualTo(RunStatus.Failed));
        Assert.That(failed.Error, Does.Contain("toy failure at seed 13"));
        Assert.That(RunGrid(runner, toy), Is.EqualTo(1), "only the failed cell runs again");
    }

    // Found by the fuzzer (tests/Repro.Fuzz.Tests): a name twice in the configuration escaped as an
    // ArgumentException when the cell was first read; a ragged curve was not noticed at all.
    [TestCase("\"settings\": {", "\"settings\": {\"steps\": 1, ", "invalid JSON")]
    [TestCase("\"values\": [", "\"values\": [1, ", "steps and")]
    [TestCase("\"beta\": ", "\"beta\": \"x\", \"b\": ", "the cell has no number 'beta'")]
    public void ADamagedRecordIsAFormatErrorNamingTheFile(string find, string replace, string expected)
    {
        using var dir = new TempDirectory();
        var (store, runner, _) = Make(dir);
        var toy = new ToyExperiment();
        var cell = toy.Grid(Tier.Smoke).Cells()[0];
        runner.Run(toy, Tier.Smoke, cell, out _, reuseAcrossCode: false);
        string path = store.PathFor("toy", Tier.Smoke, cell.Id), json = File.ReadAllText(path);
        int at = json.IndexOf(find, StringComparison.Ordinal);
        Assert.That(at, Is.GreaterThanOrEqualTo(0), $"the record holds {find}");
        var e = Assert.Throws<FormatException>(() => RunRecord.Parse(json[..at] + replace + json[(at + find.Length)..], path));
        Assert.That(e!.Message, Does.StartWith(path).And.Contain(expected));
    }

    [Test]
    public void RecordsCarryConfigurationEnvironmentAndCurves()
    {
        using var dir = new TempDirectory();
        var (store, runner, _) = Make(dir);
        var toy = new ToyExperiment();
        var cell = toy.Grid(Tier.Smoke).Cells()[0];
        var record = runner.Run(toy, Tier.Smoke, cell, out _, reuseAcrossCode: false);
        var back = RunRecord.Parse(File.ReadAllText(store.PathFor("toy", Tier.Smoke, cell.Id)), "test");
        Assert.That(back.ConfigHash, Is.EqualTo(CanonicalJson.Hash(toy.Config(Tier.Smoke, cell))));
        Assert.That(back.Config["settings"]!["steps"]!.GetValue<int>(), Is.EqualTo(10));
        Assert.That(back.Environment.Libtorch, Does.StartWith("1.").Or.StartWith("2."));
        Assert.That(back.Environment.Threads, Is.GreaterThan(0));
        Assert.That(back.Environment.GitCommit, Is.Not.Empty);
        Assert.That(back.Curves["train_loss"].Values, Is.EqualTo(record.Curves["train_loss"].Values));
        Assert.That(back.Scalars["nan"], Is.NaN);
        Assert.That(back.EndedAt, Is.GreaterThanOrEqualTo(back.StartedAt));
    }

    [Test]
    public void AnUnreadableRecordIsKeptAsideAndTheCellRunsAgain()
    {
        using var dir = new TempDirectory();
        var (store, runner, log) = Make(dir);
        var toy = new ToyExperiment();
        RunGrid(runner, toy);
        var cell = toy.Grid(Tier.Smoke).Cells()[0];
        string path = store.PathFor("toy", Tier.Smoke, cell.Id);
        File.WriteAllText(path, "{ \"schema\": 1, ");
        runner.Run(toy, Tier.Smoke, cell, out bool ran, reuseAcrossCode: false);
        Assert.That(ran, Is.True);
        Assert.That(File.Exists(path + ".unreadable"), Is.True);
        Assert.That(log.Any(m => m.Contains(path) && m.Contains("line")), Is.True, string.Join("\n", log));
    }

    [Test]
    public void ACellLockExcludesOthersUntilReleased()
    {
        using var dir = new TempDirectory();
        var store = new ResultStore(dir.Path);
        using (var held = store.TryLock("toy", Tier.Smoke, "c"))
        {
            Assert.That(held, Is.Not.Null);
            Assert.That(store.TryLock("toy", Tier.Smoke, "c"), Is.Null);
            using var other = store.TryLock("toy", Tier.Smoke, "d");
            Assert.That(other, Is.Not.Null, "other cells are free");
        }
        using var again = store.TryLock("toy", Tier.Smoke, "c");
        Assert.That(again, Is.Not.Null);
    }

    [Test]
    public void ConcurrentRunnersOnOneGridRunEachCellOnce()
    {
        using var dir = new TempDirectory();
        var toy = new ToyExperiment { Steps = 20_000 };
        var workers = Enumerable.Range(0, 4).Select(_ => Task.Run(() => RunGrid(new CellRunner(new ResultStore(dir.Path), _ => { }), toy))).ToArray();
        Task.WaitAll(workers);
        Assert.That(workers.Sum(w => w.Result), Is.EqualTo(4));
        Assert.That(toy.Runs, Is.EqualTo(4));
        Assert.That(new ResultStore(dir.Path).ReadAll("toy", Tier.Smoke).Select(r => r.Status), Is.All.EqualTo(RunStatus.Complete));
    }
}
