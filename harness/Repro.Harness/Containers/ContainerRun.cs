using System.Runtime.InteropServices;
using System.Text;
using Docker.DotNet;
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

        var stdout = new PrefixedLines(log);
        var stderr = new PrefixedLines(log);
        var builder = new ContainerBuilder(tag)
            .WithDockerEndpoint(engine.Endpoint)
            .WithImagePullPolicy(PullPolicy.Never)
            .WithLabel(Label, "1")
            .WithBindMount(Path.GetFullPath(checkoutRoot), "/src", AccessMode.ReadOnly)
            .WithBindMount(results, "/results", AccessMode.ReadWrite)
            .WithBindMount(ownNuget, "/root/.nuget/packages", AccessMode.ReadWrite)
            .WithEnvironment("REPRO_HOST_OWNER", $"{Native.geteuid()}:{Native.getegid()}")
            .WithCommand(["bash", "/src/containers/run-inside.sh", .. Inside])
            .WithOutputConsumer(Consume.RedirectStdoutAndStderrToStream(stdout, stderr))
            .WithCleanUp(false)
            // The output is ours to show (prefixed); Testcontainers' own lines would interleave with it.
            .WithLogger(Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance)
            .WithCreateParameterModifier(p =>
            {
                p.HostConfig ??= new HostConfig();
                p.HostConfig.NetworkMode = "host";
                // An init as PID 1 passes the stop signal on to the script (which passes it to the run).
                p.HostConfig.Init = true;
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
        string? id = null;
        log($"containers: {string.Join(' ', Inside.Where(a => a.Length > 0))} in {tag}{(Gpus ? " with every GPU" : "")}; results in {results}");
        try
        {
            try
            {
                container.StartAsync(cancel).GetAwaiter().GetResult();
                id = container.Id;
            }
            catch (Exception e) when (Gpus && e.ToString().Contains("could not select device driver", StringComparison.Ordinal))
            {
                throw new ContainerException(
                    "--gpus: the Docker engine has no NVIDIA runtime (it answered 'could not select device driver \"nvidia\"'). " +
                    "Install the NVIDIA Container Toolkit, run `nvidia-ctk runtime configure --runtime=docker`, restart dockerd, " +
                    "and check with `docker run --rm --gpus all <image> nvidia-smi`; or run without --gpus.", e);
            }
            catch (Exception e) when (e is DockerApiException or HttpRequestException)
            {
                throw new ContainerException($"the Docker engine at {engine.Endpoint} would not start the container from {tag}: {DockerEngine.Said(e)}", e);
            }
            long code;
            try { code = container.GetExitCodeAsync(cancel).GetAwaiter().GetResult(); }
            catch (OperationCanceledException)
            {
                // The run inside stops after its current step and writes what it finished.
                log($"containers: stopping the container (up to {StopSeconds} s; the records it finished stay in the results folder)");
                engine.Post($"/containers/{id}/stop?t={StopSeconds}");
                Drain(stdout, stderr);
                BringBackReceived(results, checkoutRoot);
                throw;
            }
            Drain(stdout, stderr);
            var received = BringBackReceived(results, checkoutRoot);
            var state = engine.Get($"/containers/{id}/json")["State"];
            if ((bool?)state?["OOMKilled"] == true)
                throw new ContainerException(
                    $"the container ran out of memory and was killed (exit {code}); the records it finished are in {results}. " +
                    $"{(MemoryBytes is { } m ? $"Its limit was {m / (1 << 20)} MiB (--memory); raise it" : "Give the engine more memory")}, or run fewer cells at a time (--filter).");
            if (code == 137)
                throw new ContainerException($"the container was killed (SIGKILL, exit 137) before it finished; the records it finished are in {results}");
            var written = Files(results, "*.json", exclude: "received").Where(f => File.GetLastWriteTimeUtc(f) >= started.AddSeconds(-1)).ToList();
            return new ContainerOutcome(code, written, received, DateTime.UtcNow - started);
        }
        finally
        {
            // Testcontainers leaves a container without its resource reaper behind: remove it (its
            // output has been streamed, its records are in the results folder).
            id ??= CreatedId(container);  // created, but its start failed
            container.DisposeAsync().AsTask().GetAwaiter().GetResult();
            if (id is not null) engine.Remove($"/containers/{id}?force=true");
        }
    }

    static string? CreatedId(DotNet.Testcontainers.Containers.IContainer container)
    {
        try { return container.Id is { Length: > 0 } id ? id : null; }
        catch (InvalidOperationException) { return null; }  // never created
    }

    /// <summary>The label of the runner's containers: one left by a killed `repro` is found with
    /// `docker ps -a --filter label=repro.runner`.</summary>
    public const string Label = "repro.runner";
    const int StopSeconds = 30;

    /// <summary>The container's output is copied as it comes and may trail its exit: wait until it
    /// has been quiet a moment (at most 3 s), then pass on a last unfinished line.</summary>
    static void Drain(PrefixedLines stdout, PrefixedLines stderr)
    {
        var until = DateTime.UtcNow.AddSeconds(3);
        while (DateTime.UtcNow < until && (stdout.QuietFor < TimeSpan.FromMilliseconds(300) || stderr.QuietFor < TimeSpan.FromMilliseconds(300)))
            Thread.Sleep(50);
        stdout.Flush();
        stderr.Flush();
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
        // Chunks may split a UTF-8 character: one decoder keeps the bytes of an unfinished one.
        readonly Decoder decoder = Encoding.UTF8.GetDecoder();
        long lastWrite = DateTime.UtcNow.Ticks;

        public TimeSpan QuietFor => DateTime.UtcNow - new DateTime(Interlocked.Read(ref lastWrite), DateTimeKind.Utc);

        public override void Write(byte[] buffer, int offset, int count)
        {
            lock (pending)
            {
                Interlocked.Exchange(ref lastWrite, DateTime.UtcNow.Ticks);
                var chars = new char[decoder.GetCharCount(buffer, offset, count)];
                decoder.GetChars(buffer, offset, count, chars, 0);
                pending.Append(chars);
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
