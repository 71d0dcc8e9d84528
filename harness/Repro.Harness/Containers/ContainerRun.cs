using System.Runtime.InteropServices;
using System.Text;
using Docker.DotNet.Models;
using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Configurations;
using DotNet.Testcontainers.Images;

namespace Repro.Harness.Containers;

/// <summary>What a tier's run inside the image brought back: the container's exit code, the run
/// records written to the results folder, and the received snapshots (goldens that moved), on
/// the host beside their verified files.</summary>
public sealed record ContainerOutcome(long ExitCode, IReadOnlyList<string> Records, IReadOnlyList<string> Received, TimeSpan Elapsed)
{
    public bool Passed => ExitCode == 0;
}

/// <summary>
/// Runs the harness in the image (containers/run-inside.sh): a tier's fixtures, or a repro command
/// line such as a sweep's shard. The checkout is read-only at /src, the results folder at /results
/// (records land there as they finish, so a run that fails or is stopped keeps them), the data
/// folder read-only at /data. The container uses the host's network, its CA bundle and proxies
/// (the package feeds the host reaches), and the host's NuGet packages read-only as a fallback
/// folder. Its output streams with a prefix.
/// </summary>
public sealed record ContainerRun(IReadOnlyList<string> Inside, string Results)
{
    /// <summary>A tier's fixtures; <paramref name="filter"/> is a dotnet test --filter expression ANDed with the tier's category.</summary>
    public static ContainerRun Tests(Tier tier, string? filter, string results) => new(["test", tier.Name, filter ?? ""], results);

    /// <summary>The repro command line inside (REPRO_RESULTS is the results folder).</summary>
    public static ContainerRun Repro(IReadOnlyList<string> arguments, string results) => new(["repro", .. arguments], results);

    /// <summary>Request every NVIDIA GPU of the host (the CUDA image on a GPU box).</summary>
    public bool Gpus { get; init; }
    /// <summary>The paper's datasets (REPRO_DATA inside).</summary>
    public string? Data { get; init; }
    /// <summary>A folder mounted over the checkout's golden/ (tests plant a changed snapshot).</summary>
    public string? Goldens { get; init; }
    /// <summary>The container's memory limit in bytes (none: the engine's default, the host's memory).</summary>
    public long? MemoryBytes { get; init; }

    const string Prefix = "container| ";
    static readonly string[] PassedVariables =
        ["NUGET_CERT_REVOCATION_MODE", "REPRO_THREADS", "http_proxy", "https_proxy", "no_proxy", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY"];

    public ContainerOutcome Execute(DockerEngine engine, ContainerImage image, string tag, string checkoutRoot, Action<string> log, CancellationToken cancel)
    {
        string results = Path.GetFullPath(Results);
        Directory.CreateDirectory(results);
        string nuget = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } p
            ? p : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string ownNuget = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "repro", "containers", "nuget");
        Directory.CreateDirectory(ownNuget);

        var builder = new ContainerBuilder(tag)
            .WithImagePullPolicy(PullPolicy.Never)
            .WithBindMount(Path.GetFullPath(checkoutRoot), "/src", AccessMode.ReadOnly)
            .WithBindMount(results, "/results", AccessMode.ReadWrite)
            .WithBindMount(ownNuget, "/root/.nuget/packages", AccessMode.ReadWrite)
            .WithEnvironment("REPRO_HOST_OWNER", $"{Native.geteuid()}:{Native.getegid()}")
            .WithCommand(["bash", "/src/containers/run-inside.sh", .. Inside])
            .WithOutputConsumer(Consume.RedirectStdoutAndStderrToStream(new PrefixedLines(log), new PrefixedLines(log)))
            .WithCleanUp(false)
            // The output is ours to show (prefixed); Testcontainers' own lines would interleave with it.
            .WithLogger(Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance)
            .WithCreateParameterModifier(p =>
            {
                p.HostConfig ??= new HostConfig();
                p.HostConfig.NetworkMode = "host";
                if (MemoryBytes is { } memory) { p.HostConfig.Memory = memory; p.HostConfig.MemorySwap = memory; }
                if (Gpus) p.HostConfig.DeviceRequests = [new DeviceRequest { Driver = "nvidia", Count = -1, Capabilities = [["gpu"]] }];
            });
        if (Directory.Exists(nuget))
            builder = builder.WithBindMount(nuget, "/nuget-fallback", AccessMode.ReadOnly).WithEnvironment("RestoreFallbackFolders", "/nuget-fallback");
        if (Data is not null)
            builder = builder.WithBindMount(Path.GetFullPath(Data), "/data", AccessMode.ReadOnly).WithEnvironment("REPRO_DATA", "/data");
        if (Goldens is not null) builder = builder.WithBindMount(Path.GetFullPath(Goldens), "/src/golden", AccessMode.ReadOnly);
        if (image.MountsHostSdk) builder = builder.WithBindMount(HostSdk(), "/usr/share/dotnet", AccessMode.ReadOnly);
        const string bundle = "/etc/ssl/certs/ca-certificates.crt";
        if (File.Exists(bundle)) builder = builder.WithBindMount(bundle, bundle, AccessMode.ReadOnly);
        foreach (string name in PassedVariables)
            if (Environment.GetEnvironmentVariable(name) is { Length: > 0 } value) builder = builder.WithEnvironment(name, value);

        var container = builder.Build();
        var started = DateTime.UtcNow;
        log($"containers: {string.Join(' ', Inside.Where(a => a.Length > 0))} in {tag}{(Gpus ? " with every GPU" : "")}; results in {results}");
        try
        {
            try { container.StartAsync(cancel).GetAwaiter().GetResult(); }
            catch (Exception e) when (Gpus && e.ToString().Contains("could not select device driver", StringComparison.Ordinal))
            {
                throw new ContainerException(
                    "--gpus: the Docker engine has no NVIDIA runtime (it answered 'could not select device driver \"nvidia\"'). " +
                    "Install the NVIDIA Container Toolkit, run `nvidia-ctk runtime configure --runtime=docker`, restart dockerd, " +
                    "and check with `docker run --rm --gpus all <image> nvidia-smi`; or run without --gpus.", e);
            }
            long code;
            try { code = container.GetExitCodeAsync(cancel).GetAwaiter().GetResult(); }
            catch (OperationCanceledException)
            {
                log("containers: stopping the container (the records it finished stay in the results folder)");
                container.StopAsync(CancellationToken.None).GetAwaiter().GetResult();
                throw;
            }
            var state = engine.Get($"/containers/{container.Id}/json")["State"];
            if ((bool?)state?["OOMKilled"] == true)
                throw new ContainerException(
                    $"the container ran out of memory and was killed (exit {code}); the records it finished are in {results}. " +
                    $"{(MemoryBytes is { } m ? $"Its limit was {m / (1 << 20)} MiB (--memory); raise it" : "Give the engine more memory")}, or run fewer cells at a time (--filter).");
            if (code == 137)
                throw new ContainerException($"the container was killed (SIGKILL, exit 137) before it finished; the records it finished are in {results}");
            return new ContainerOutcome(code, Files(results, "*.json", exclude: "received"), BringBackReceived(results, checkoutRoot),
                DateTime.UtcNow - started);
        }
        finally
        {
            // Testcontainers leaves a container without its resource reaper behind: remove it (its
            // output has been streamed, its records are in the results folder).
            container.DisposeAsync().AsTask().GetAwaiter().GetResult();
            if (container.Id is { Length: > 0 } id) engine.Remove($"/containers/{id}?force=true");
        }
    }

    /// <summary>Copies the snapshots the container received beside their verified files on the host
    /// (the checkout's golden/, or the planted folder), where `repro golden diff` and
    /// `dotnet msbuild -t:AcceptGolden` find them as after a run outside; returns the host paths.</summary>
    IReadOnlyList<string> BringBackReceived(string results, string checkoutRoot)
    {
        string received = Path.Combine(results, "received", "golden");
        string goldens = Path.GetFullPath(Goldens ?? Path.Combine(checkoutRoot, "golden"));
        var copied = new List<string>();
        foreach (string file in Files(received, "*.received.json"))
        {
            string target = Path.Combine(goldens, Path.GetRelativePath(received, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
            copied.Add(target);
        }
        return copied;
    }

    static IReadOnlyList<string> Files(string folder, string pattern, string? exclude = null) =>
        !Directory.Exists(folder) ? [] :
        Directory.EnumerateFiles(folder, pattern, SearchOption.AllDirectories)
            .Where(f => exclude is null || !Path.GetRelativePath(folder, f).StartsWith(exclude + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal).ToList();

    /// <summary>The .NET installation this process runs on (its shared runtime's folder is three levels down).</summary>
    static string HostSdk() =>
        Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));

    /// <summary>Splits the container's output into lines and passes each on with the prefix.</summary>
    sealed class PrefixedLines(Action<string> log) : Stream
    {
        readonly StringBuilder pending = new();
        public override void Write(byte[] buffer, int offset, int count)
        {
            lock (pending)
            {
                pending.Append(Encoding.UTF8.GetString(buffer, offset, count));
                int newline;
                while ((newline = pending.ToString().IndexOf('\n')) >= 0)
                {
                    log(Prefix + pending.ToString(0, newline).TrimEnd('\r'));
                    pending.Remove(0, newline + 1);
                }
            }
        }
        public override void Flush()
        {
            lock (pending) if (pending.Length > 0) { log(Prefix + pending); pending.Clear(); }
        }
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }

    static class Native
    {
        [DllImport("libc")] public static extern uint geteuid();
        [DllImport("libc")] public static extern uint getegid();
    }
}
