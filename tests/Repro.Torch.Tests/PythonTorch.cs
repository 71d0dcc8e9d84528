using System.Diagnostics;

namespace Repro.Torch.Tests;

/// <summary>Runs Debian's python3 with torch (and torchvision, for the model tests), which the test
/// projects' builds install. Shared by Repro.Torch.Tests and Repro.Models.Tests (linked there).</summary>
static class PythonTorch
{
    const string Python = "/usr/bin/python3";

    public static (int exitCode, string output) Run(params string[] args)
    {
        if (!File.Exists(Python))
            Assert.Fail($"{Python} is missing: the test project's build installs python3-torch (apt-get install python3-torch python3-torchvision)");
        var info = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync(), stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(120_000))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("python3 did not finish within 2 minutes");
        }
        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}
