using System.Diagnostics;
using Repro.Harness.CrashChild;

using Repro.Training;

namespace Repro.Harness.Tests;

/// <summary>A process killed halfway through writing a record leaves no partial record, and the
/// next run redoes only that cell. The child is tests/Repro.Harness.CrashChild.</summary>
public class CrashSafetyTests
{
    static Process Start(string results, params string[] extra)
    {
        string child = typeof(ToyExperiment).Assembly.Location;
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in new[] { child, results }.Concat(extra)) info.ArgumentList.Add(a);
        var p = Process.Start(info)!;
        p.ErrorDataReceived += (_, _) => { };
        p.BeginErrorReadLine();
        return p;
    }

    [Test]
    public void KilledMidWriteLeavesNoPartialRecordAndTheNextRunRedoesOnlyThatCell()
    {
        using var dir = new TempDirectory();
        var cells = new ToyExperiment().Grid(Tier.Smoke).Cells().Select(c => c.Id).ToList();
        string victim = cells[2];
        var store = new ResultStore(dir.Path);

        using (var child = Start(dir.Path, "--hang-in-write", victim))
        {
            var lines = new List<string>();
            string? line;
            while ((line = child.StandardOutput.ReadLine()) is not null)
            {
                lines.Add(line);
                if (line.StartsWith("half-written ", StringComparison.Ordinal)) break;
            }
            Assert.That(line, Is.Not.Null, $"the child never reached the write: {string.Join(" | ", lines)}");
            string temp = line!["half-written ".Length..];
            Assert.That(new FileInfo(temp).Length, Is.GreaterThan(0), "the record was half written when killed");
            child.Kill(entireProcessTree: true);
            child.WaitForExit();
            Assert.That(lines, Is.EqualTo(new[] { $"ran {cells[0]}", $"ran {cells[1]}", line }));
        }

        Assert.That(File.Exists(store.PathFor("toy", Tier.Smoke, victim)), Is.False, "no record for the killed cell");
        foreach (string done in cells.Take(2))
            Assert.That(store.TryRead("toy", Tier.Smoke, done)?.Status, Is.EqualTo(RunStatus.Complete));

        using (var again = Start(dir.Path))
        {
            string output = again.StandardOutput.ReadToEnd();
            again.WaitForExit();
            Assert.That(again.ExitCode, Is.EqualTo(0));
            Assert.That(output.Split('\n', StringSplitOptions.RemoveEmptyEntries), Is.EqualTo(new[]
            {
                $"reused {cells[0]}", $"reused {cells[1]}", $"ran {cells[2]}", $"ran {cells[3]}",
            }));
        }
        string folder = Path.GetDirectoryName(store.PathFor("toy", Tier.Smoke, victim))!;
        Assert.That(Directory.GetFiles(folder, "*.tmp"), Is.Empty, "the stale temporary was cleaned up");
        Assert.That(store.ReadAll("toy", Tier.Smoke), Has.Count.EqualTo(4));
    }
}
