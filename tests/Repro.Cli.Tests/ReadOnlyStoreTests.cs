using System.Diagnostics;
using Repro.Cli.SweepChild;

namespace Repro.Cli.Tests;

/// <summary>
/// A results store on a read-only mount, as a shared or archived store is: a sweep reuses what it
/// holds and writes nothing, a report reads it, and a sweep that would have to write says so
/// without touching a record. The mount is real (a bind mount made read-only in a private mount
/// namespace, `unshare --map-root-user --mount`), because a chmod does not stop root.
/// </summary>
public class ReadOnlyStoreTests
{
    [Test]
    public void ASweepAndAReportOnAReadOnlyMountReadTheStoreAndWriteNothing()
    {
        using var dir = new TempDirectory();
        string results = dir["results"];
        var first = Cli.Run([new SlowExperiment()], "sweep", "slow-test", "--results", results, "--report-dir", dir["sweep-report"]);
        Assert.That(first.ExitCode, Is.Zero, first.ToString());
        var before = Snapshot(results);
        Assert.That(before.Keys.Count(f => f.EndsWith(".json", StringComparison.Ordinal)), Is.EqualTo(new SlowExperiment().Grid(Harness.Tier.Smoke).Cells().Count));

        var sweep = ReadOnly(results, "sweep", "slow-test", "--results", results, "--report-dir", dir["sweep-report"]);
        Assert.That(sweep.exit, Is.Zero, sweep.output);
        Assert.That(sweep.output, Does.Contain("reus"), "the finished records are reused");

        var report = ReadOnly(results, "report", results, "--out", dir["report"]);
        Assert.That(report.exit, Is.Zero, report.output);
        Assert.That(Directory.EnumerateFiles(dir["report"], "*.html", SearchOption.AllDirectories), Is.Not.Empty, "the report is written outside the store");

        // Another configuration has no record to reuse and nowhere to write one.
        var other = ReadOnly(results, "sweep", "slow-test", "--results", results, "--set", "steps=12", "--report-dir", dir["sweep-report"]);
        Assert.That(other.exit, Is.Not.Zero, other.output);
        Assert.That(other.output, Does.Contain("cannot be written"));

        Assert.That(Snapshot(results), Is.EqualTo(before), "no file of the store changed");
    }

    static Dictionary<string, (long, DateTime)> Snapshot(string folder) =>
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(folder, f), f => (new FileInfo(f).Length, File.GetLastWriteTimeUtc(f)));

    /// <summary>`repro` (the test experiment's build) with <paramref name="store"/> mounted
    /// read-only over itself; the shell first proves the mount refuses a write.</summary>
    static (int exit, string output) ReadOnly(string store, params string[] args)
    {
        var info = new ProcessStartInfo("unshare") { RedirectStandardOutput = true, RedirectStandardError = true };
        string script = "mount --bind -o ro \"$1\" \"$1\" || exit 90; if touch \"$1/.probe\" 2>/dev/null; then exit 91; fi; shift; exec dotnet \"$@\"";
        foreach (string a in (string[])["--map-root-user", "--mount", "sh", "-c", script, "sh", store, typeof(SlowExperiment).Assembly.Location, .. args])
            info.ArgumentList.Add(a);
        info.Environment["REPRO_SLOW_STEP_MS"] = "0";
        using var process = Process.Start(info)!;
        var error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2))) { process.Kill(entireProcessTree: true); Assert.Fail("repro on the read-only mount did not end within 2 minutes"); }
        string all = $"{output}{error.Result}";
        Assert.That(process.ExitCode, Is.Not.EqualTo(90), $"this test needs a mount namespace (unshare --map-root-user --mount, util-linux): {all}");
        Assert.That(process.ExitCode, Is.Not.EqualTo(91), "the bind mount is not read-only");
        return (process.ExitCode, all);
    }
}
