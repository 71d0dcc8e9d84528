using System.Diagnostics;
using System.Runtime.InteropServices;
using Repro.Torch;

namespace Repro.Harness;

/// <summary>Where a run ran: code version, machine, runtime and libtorch. Part of every run record.</summary>
public sealed record EnvironmentInfo
{
    public required string GitCommit { get; init; }
    public required bool GitDirty { get; init; }
    public required string Os { get; init; }
    public required string Cpu { get; init; }
    public required string Dotnet { get; init; }
    public required string Libtorch { get; init; }
    public required string Blas { get; init; }
    public required string OpenBlasCoreType { get; init; }
    public required string Device { get; init; }
    public required int Threads { get; init; }
    public GpuEnvironment Gpu { get; init; } = new();

    static readonly Lazy<(string commit, bool dirty)> Git = new(ReadGit);

    public static EnvironmentInfo Capture(string device) => new()
    {
        GitCommit = Git.Value.commit,
        GitDirty = Git.Value.dirty,
        Os = RuntimeInformation.OSDescription,
        Cpu = CpuModel(),
        Dotnet = RuntimeInformation.FrameworkDescription,
        Libtorch = TorchRuntime.Version,
        Blas = TorchRuntime.Blas,
        OpenBlasCoreType = TorchRuntime.OpenBlasCoreType,
        Device = device,
        Threads = TorchRuntime.Threads,
        Gpu = GpuEnvironment.Capture(device),
    };

    public static string CpuModel()
    {
        try
        {
            return File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))
                ?.Split(':', 2)[1].Trim() ?? RuntimeInformation.ProcessArchitecture.ToString();
        }
        catch (IOException)
        {
            return RuntimeInformation.ProcessArchitecture.ToString();
        }
    }

    static (string, bool) ReadGit()
    {
        string? root = ReproPaths.TryFindRoot();
        if (root is null) return ("unknown (not in a Repro checkout)", false);
        string? commit = RunGit(root, "rev-parse HEAD")?.Trim();
        if (commit is null) return ("unknown (git unavailable)", false);
        string? status = RunGit(root, "status --porcelain --untracked-files=no");
        return (commit, !string.IsNullOrWhiteSpace(status));
    }

    static string? RunGit(string directory, string arguments)
    {
        try
        {
            var info = new ProcessStartInfo("git", arguments)
            {
                WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true,
            };
            using var p = Process.Start(info);
            if (p is null) return null;
            string output = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            return p.ExitCode == 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;  // git is not installed
        }
    }
}
