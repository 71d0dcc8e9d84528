using System.Diagnostics;
using System.Runtime.InteropServices;
using Repro.Harness;

namespace Repro.Cli.Running;

/// <summary>
/// `repro sweep --gpus N`: one cell per GPU at once. Each of N child processes (`repro run` on a
/// list of cells) sees one GPU, as cuda:0, through CUDA_VISIBLE_DEVICES; the parent deals every
/// round of the grid (its cells, then each eta-scan round) round-robin over the children, waits for
/// all of them, and reads their records from the result store, where the per-cell locks keep any
/// two processes from running one cell. Children get the cores split between them (REPRO_THREADS)
/// unless REPRO_THREADS is set.
/// </summary>
public sealed class GpuLauncher
{
    /// <summary>The device each child sees, child k the k-th.</summary>
    public IReadOnlyList<string> Devices { get; }

    readonly Func<string, string, ProcessStartInfo> child;
    readonly TextWriter output;

    /// <param name="gpus">children, one per GPU</param>
    /// <param name="visible">the parent's CUDA_VISIBLE_DEVICES (null: unset)</param>
    /// <param name="available">GPUs this machine shows the parent</param>
    /// <param name="child">the child for a device and its file of cell ids</param>
    public GpuLauncher(int gpus, string? visible, int available, Func<string, string, ProcessStartInfo> child, TextWriter output)
    {
        Devices = Assign(gpus, visible, available);
        this.child = child;
        this.output = output;
    }

    /// <summary>The device of each of <paramref name="gpus"/> children: the parent's visible devices
    /// in order (CUDA_VISIBLE_DEVICES=2,3 gives "2" and "3"), else 0 ... N-1.</summary>
    public static IReadOnlyList<string> Assign(int gpus, string? visible, int available)
    {
        if (gpus < 1) throw new UsageException($"--gpus {gpus}: expected at least 1 (one cell runs per GPU)");
        string[] devices = visible is null
            ? Enumerable.Range(0, available).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray()
            : visible.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (devices.Length < gpus || available < gpus)
            throw new UsageException($"--gpus {gpus}: this machine shows {Math.Min(devices.Length, available)} GPU(s)" +
                                     (visible is null ? "" : $" (CUDA_VISIBLE_DEVICES={visible})") +
                                     (available == 0 ? "; `repro doctor` says what CUDA sees" : ""));
        return devices[..gpus];
    }

    /// <summary>Runs <paramref name="cells"/> over the children, at most one child per device, and
    /// returns once all have exited; a cancellation is passed on to them as SIGTERM (each stops its
    /// running cell at the next step and keeps every finished record). Returns the children's worst
    /// exit code.</summary>
    public int Run(IReadOnlyList<string> cellIds, CancellationToken cancellation)
    {
        var running = new List<(Process process, string file)>();
        try
        {
            for (int k = 0; k < Devices.Count; k++)
            {
                var mine = new Shard(k + 1, Devices.Count).Select(cellIds);
                if (mine.Count == 0) continue;
                string file = Path.Combine(Path.GetTempPath(), $"repro-cells-{Environment.ProcessId}-{Guid.NewGuid():N}.txt");
                File.WriteAllLines(file, mine);
                var info = ChildInfo(Devices[k], file);
                var process = new Process { StartInfo = info };
                string prefix = $"[gpu {Devices[k]}] ";
                process.OutputDataReceived += (_, e) => Forward(prefix, e.Data);
                process.ErrorDataReceived += (_, e) => Forward(prefix, e.Data);
                if (!process.Start()) throw new InvalidOperationException($"could not start {info.FileName}");
                process.BeginOutputReadLine();
                process.BeginErrorReadLine();
                running.Add((process, file));
                output.WriteLine($"{prefix}{mine.Count} cells (pid {process.Id})");
            }
            using (cancellation.Register(() => { foreach (var (p, _) in running) Terminate(p); }))
                foreach (var (p, _) in running) p.WaitForExit();
            return running.Count == 0 ? 0 : running.Max(r => r.process.ExitCode);
        }
        finally
        {
            foreach (var (p, file) in running)
            {
                p.Dispose();
                try { File.Delete(file); } catch (IOException) { }
            }
        }
    }

    /// <summary>The child's start: its one device, its share of the cores, output captured.</summary>
    public ProcessStartInfo ChildInfo(string device, string cellsFile)
    {
        var info = child(device, cellsFile);
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.UseShellExecute = false;
        info.Environment["CUDA_VISIBLE_DEVICES"] = device;
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("REPRO_THREADS")))
            info.Environment["REPRO_THREADS"] = Math.Max(1, Environment.ProcessorCount / Devices.Count).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return info;
    }

    void Forward(string prefix, string? line)
    {
        if (line is null) return;
        lock (output) output.WriteLine(prefix + line);
    }

    // SIGTERM, not Process.Kill's SIGKILL: the child stops its cell at the next step, as on Ctrl-C.
    static void Terminate(Process p)
    {
        try
        {
            if (!p.HasExited) _ = kill(p.Id, 15);
        }
        catch (InvalidOperationException) { }
    }

#pragma warning disable SYSLIB1054 // LibraryImport would need unsafe code in this project for one libc call
    [DllImport("libc", SetLastError = true)]
    static extern int kill(int pid, int signal);
#pragma warning restore SYSLIB1054

    /// <summary>This program again, as the shell started it (`repro ...` or `dotnet repro.dll ...`).</summary>
    public static ProcessStartInfo Self(IEnumerable<string> arguments)
    {
        string path = Environment.ProcessPath ?? throw new InvalidOperationException("the path of this process is unknown");
        var info = new ProcessStartInfo(path);
        if (Path.GetFileNameWithoutExtension(path) == "dotnet")
            info.ArgumentList.Add(System.Reflection.Assembly.GetEntryAssembly()!.Location);
        foreach (string a in arguments) info.ArgumentList.Add(a);
        return info;
    }
}
