using System.Diagnostics;

namespace Repro.Data;

/// <summary>
/// Debian packages on demand, for data that packages ship (DATA.md): installs with apt-get when
/// running as root on Debian, otherwise fails with the exact command to run. Says what it does.
/// </summary>
public static class Apt
{
    public static bool IsInstalled(string package) =>
        Run("dpkg-query", ["-W", "-f=${Status}", package], Environment.CurrentDirectory, out string output) == 0
        && output.Contains("install ok installed", StringComparison.Ordinal);

    static bool CanInstall => Environment.UserName == "root" && File.Exists("/etc/debian_version") && File.Exists("/usr/bin/apt-get");

    /// <summary>Installs <paramref name="package"/> unless it is installed.</summary>
    public static void EnsureInstalled(string package, string why, Action<string> log)
    {
        if (IsInstalled(package)) return;
        using var turn = Lock();
        if (IsInstalled(package)) return;
        string command = $"apt-get update && apt-get install -y --no-install-recommends {package}";
        if (!CanInstall)
            throw new InvalidOperationException($"{why} needs the Debian package {package}. Install it with:\n  sudo {command}");
        log($"repro: installing {package} with apt-get (needed by {why}; one-time)...");
        AptGet(["install", "-y", "--no-install-recommends", package], Environment.CurrentDirectory);
        log($"repro: installed {package}");
    }

    /// <summary>Unpacks <paramref name="package"/> into &lt;cache&gt;/&lt;package&gt; (apt-get download +
    /// dpkg -x, which installs nothing) unless it is there already; returns that folder.</summary>
    public static string EnsureExtracted(string package, string cache, string why, Action<string> log)
    {
        string destination = Path.Combine(cache, package);
        string marker = Path.Combine(destination, ".complete");
        if (File.Exists(marker)) return destination;
        using var turn = Lock();
        if (File.Exists(marker)) return destination;
        string commands = $"mkdir -p {cache} && cd {cache} && apt-get download {package} && dpkg -x {package}_*.deb {destination} && touch {marker}";
        if (!CanInstall)
            throw new InvalidOperationException($"{why} needs the files of the Debian package {package} in {destination}. Get them with:\n  {commands}");
        log($"repro: fetching {package} into {destination} (apt-get download + dpkg -x; needed by {why})...");
        Directory.CreateDirectory(cache);
        string work = Directory.CreateTempSubdirectory("repro-apt-").FullName;
        try
        {
            AptGet(["download", package], work);
            string deb = Directory.GetFiles(work, "*.deb").Single();
            string staging = destination + ".partial";
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
            if (Run("dpkg", ["-x", deb, staging], work, out string output) != 0)
                throw new InvalidOperationException($"dpkg -x {deb} failed:\n{output}");
            if (Directory.Exists(destination)) Directory.Delete(destination, recursive: true);
            Directory.Move(staging, destination);
            File.WriteAllText(marker, $"{Path.GetFileName(deb)}\n");
            log($"repro: fetched {Path.GetFileName(deb)} into {destination}");
            return destination;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>One apt-get (or extraction) at a time, across threads and processes: tests run in
    /// parallel and builds install packages too (src/Repro.Torch/native/ensure-packages.sh takes the
    /// same flock); dpkg fails at once when another apt-get holds its lock.</summary>
    static FileStream Lock()
    {
        while (true)
        {
            try
            {
                return new FileStream("/tmp/repro-ensure-packages.lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException e) when (e.HResult is 11 or unchecked((int)0x80070020))
            {
                Thread.Sleep(250);
            }
        }
    }

    /// <summary>apt-get with the package lists refreshed on a first failure, and one retry
    /// (a large install can fail once on these images; DESIGN.md).</summary>
    static void AptGet(string[] arguments, string directory)
    {
        if (Run("apt-get", arguments, directory, out _) == 0) return;
        Run("apt-get", ["update"], directory, out _);
        if (Run("apt-get", arguments, directory, out string output) != 0)
            throw new InvalidOperationException($"apt-get {string.Join(' ', arguments)} failed:\n{output}");
    }

    static int Run(string program, string[] arguments, string directory, out string output)
    {
        var info = new ProcessStartInfo(program)
        {
            WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        foreach (string a in arguments) info.ArgumentList.Add(a);
        info.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        try
        {
            using var p = Process.Start(info)!;
            var stderr = p.StandardError.ReadToEndAsync();
            output = p.StandardOutput.ReadToEnd() + stderr.Result;
            p.WaitForExit();
            return p.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            output = $"{program}: {e.Message}";
            return 127;
        }
    }
}
