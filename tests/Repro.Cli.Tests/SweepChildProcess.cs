using System.Diagnostics;
using Repro.Cli.SweepChild;

namespace Repro.Cli.Tests;

/// <summary>`repro` with the slow test experiment, as a child process (tests/Repro.Cli.SweepChild),
/// whose output lines the test reads as they come.</summary>
sealed class SweepChildProcess : IDisposable
{
    readonly Process process;
    public List<string> Lines { get; } = [];
    public List<string> ErrorLines { get; } = [];

    public SweepChildProcess(int stepMilliseconds, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(typeof(SlowExperiment).Assembly.Location);
        foreach (string a in args) info.ArgumentList.Add(a);
        info.Environment["REPRO_SLOW_STEP_MS"] = stepMilliseconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        process = Process.Start(info)!;
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (ErrorLines) ErrorLines.Add(e.Data); };
        process.BeginErrorReadLine();
    }

    public int Id => process.Id;

    /// <summary>Reads output lines until one satisfies <paramref name="until"/>; fails if the process ends first.</summary>
    public string ReadUntil(Func<string, bool> until)
    {
        while (process.StandardOutput.ReadLine() is { } line)
        {
            Lines.Add(line);
            if (until(line)) return line;
        }
        Assert.Fail($"the sweep ended before the awaited line:\n{string.Join("\n", Lines)}\nstderr:\n{string.Join("\n", ErrorLines)}");
        return "";
    }

    /// <summary>Reads the rest of the output and waits for the exit code.</summary>
    public int Finish()
    {
        while (process.StandardOutput.ReadLine() is { } line) Lines.Add(line);
        if (!process.WaitForExit(TimeSpan.FromMinutes(2))) Assert.Fail("the sweep did not end within 2 minutes");
        process.WaitForExit();  // only this overload waits for the stderr handler to see the last line
        return process.ExitCode;
    }

    public void Kill()
    {
        process.Kill(entireProcessTree: true);  // SIGKILL: no handler runs
        process.WaitForExit();
    }

    /// <summary>Sends SIGTERM, which `repro` handles exactly as Ctrl-C's SIGINT (SignalCancellation).
    /// Not SIGINT itself: a shell without job control starts background jobs with SIGINT ignored,
    /// the child inherits that, and a CI runner that launches tests that way would never deliver it.</summary>
    public void Interrupt()
    {
        using var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        Assert.That(kill.ExitCode, Is.Zero, "kill -TERM");
    }

    public void Dispose()
    {
        if (!process.HasExited) process.Kill(entireProcessTree: true);
        process.Dispose();
    }
}
