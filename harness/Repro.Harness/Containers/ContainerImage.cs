using System.Security.Cryptography;
using System.Text;
using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Images;
using Microsoft.Extensions.Logging;

namespace Repro.Harness.Containers;

/// <summary>
/// The harness's image, built from containers/Dockerfile: the CPU image (a .NET SDK base with
/// Debian's libtorch) or the CUDA image (a CUDA PyTorch base, its libtorch, the SDK installed).
/// Base "local" is Debian 12 made by containers/base.sh, for machines without an image registry;
/// it has no SDK, so the runner mounts the host's. The tag is a hash of the Dockerfile and the
/// build arguments: an unchanged image is reused, a changed one rebuilt. A base is taken by its
/// name (pin a digest, `image@sha256:...`, for a base whose tag moves).
/// </summary>
public sealed record ContainerImage(string Kind, string Base, string Torch, string Dotnet)
{
    public const string LocalBase = "local";
    public const string CpuBase = "mcr.microsoft.com/dotnet/sdk:10.0";
    public const string CudaBase = "pytorch/pytorch:2.5.1-cuda12.4-cudnn9-devel";

    public static ContainerImage Cpu(string? baseImage = null) => new("cpu", baseImage ?? CpuBase, "debian", "base");
    public static ContainerImage Cuda(string? baseImage = null) => new("cuda", baseImage ?? CudaBase, "pip", "install");

    /// <summary>Whether the image lacks a .NET SDK of its own (the runner mounts the host's).</summary>
    public bool MountsHostSdk => Base == LocalBase && Dotnet == "base";

    /// <summary>Builds the image unless one with the same tag exists; returns the tag.</summary>
    public string Ensure(DockerEngine engine, string checkoutRoot, Action<string> log, CancellationToken cancel)
    {
        string folder = Path.Combine(checkoutRoot, "containers");
        string dockerfile = Path.Combine(folder, "Dockerfile");
        if (!File.Exists(dockerfile)) throw new ContainerException($"no Dockerfile at {dockerfile}");
        string baseImage = Base == LocalBase ? MakeLocalBase(folder, log) : Base;
        string tag = $"repro-{Kind}:{Hash(File.ReadAllText(dockerfile), baseImage)}";

        if (Exists(engine, tag))
        {
            log($"containers: reusing image {tag} (base {baseImage})");
            return tag;
        }
        log($"containers: building image {tag} from {dockerfile} (base {baseImage}, libtorch from {Torch}; minutes the first time)...");
        var steps = new BuildLog(log);
        var image = new ImageFromDockerfileBuilder()
            .WithDockerEndpoint(engine.Endpoint)
            .WithDockerfileDirectory(folder)
            .WithDockerfile("Dockerfile")
            .WithName(tag)
            .WithBuildArgument("BASE", baseImage)
            .WithBuildArgument("TORCH", Torch)
            .WithBuildArgument("DOTNET", Dotnet)
            // No delete-if-exists: the tag is a content hash and was just found absent, so there is
            // no stale image to delete, and deleting would pull it from under a concurrent run.
            .WithDeleteIfExists(false)
            .WithCleanUp(false)
            // Builds reach the package mirrors the way the host does.
            .WithCreateParameterModifier(p =>
            {
                p.NetworkMode = "host";
                p.ForceRemove = true;  // no container of a failed step left behind
            })
            .WithLogger(steps)
            .Build();
        var started = DateTime.UtcNow;
        try
        {
            image.CreateAsync(cancel).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is Docker.DotNet.DockerApiException or HttpRequestException)
        {
            throw new ContainerException($"the Docker engine at {engine.Endpoint} would not build {tag} from {dockerfile}: {DockerEngine.Said(e)}", e);
        }
        catch (ImageBuildFailedException e)
        {
            throw new ContainerException(
                $"building the image {tag} from {dockerfile} failed at {steps.Step ?? "its first step"}:\n" +
                string.Join('\n', steps.StepOutput.TakeLast(40).Select(l => "  " + l)) + $"\n{e.Message.Trim()}", e);
        }
        log($"containers: built {tag} in {(DateTime.UtcNow - started).TotalSeconds:F0} s");
        return tag;
    }

    string Hash(string dockerfile, string baseImage) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{dockerfile}\n{baseImage}\n{Torch}\n{Dotnet}")))[..12];

    static bool Exists(DockerEngine engine, string tag)
    {
        try { engine.Get($"/images/{Uri.EscapeDataString(tag)}/json"); return true; }
        catch (HttpRequestException e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound) { return false; }
    }

    static string MakeLocalBase(string folder, Action<string> log)
    {
        string script = Path.Combine(folder, "base.sh");
        var (code, stdout, said) = Shell.Run("bash", [script], line => log("  " + line));
        if (code != 0 || stdout.Length == 0)
            throw new ContainerException($"making the local base image with {script} failed (exit {code}):\n{said}");
        return stdout.Split('\n')[^1];
    }

    /// <summary>The build's output as Testcontainers logs it (one debug line per output line):
    /// passed on with a prefix, the current step's lines kept for the error of a failed build.</summary>
    sealed class BuildLog(Action<string> log) : ILogger
    {
        public string? Step { get; private set; }
        public List<string> StepOutput { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel level) => level >= LogLevel.Debug;

        public void Log<TState>(LogLevel level, EventId id, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (level < LogLevel.Debug) return;
            foreach (string line in formatter(state, exception).Split(['\n', '\r']))
            {
                if (line.Length == 0) continue;
                if (line.StartsWith("Step ", StringComparison.Ordinal)) { Step = line; StepOutput.Clear(); }
                else if (level == LogLevel.Debug) StepOutput.Add(line);  // errors repeat in the exception's message
                if (level == LogLevel.Debug) log("build| " + line);
            }
        }
    }
}
