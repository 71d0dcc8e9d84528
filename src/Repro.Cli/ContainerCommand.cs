using System.CommandLine;
using Repro.Harness;
using Repro.Harness.Containers;

namespace Repro.Cli;

/// <summary>
/// `repro container smoke|test|sweep`: the harness inside its image (containers/), as CI runs it.
/// `smoke` is the smoke tier in the CPU image; `test &lt;tier&gt;` any tier (the CUDA image with
/// --cuda, GPUs with --gpus); `sweep -- &lt;sweep arguments&gt;` a sweep or one shard of it.
/// Records land in the results folder; received snapshots come back beside their verified ones in
/// golden/, where `repro golden diff` shows what moved.
/// </summary>
public static class ContainerCommand
{
    public static Command Create(CliContext context)
    {
        var smoke = new Command("smoke", "Run the smoke tier in the CPU image, against the checkout's goldens.");
        var tier = new Argument<string>("tier") { Description = string.Join(", ", Tier.All.Select(t => t.Name)) };
        tier.AcceptOnlyFromAmong([.. Tier.All.Select(t => t.Name)]);
        var test = new Command("test", "Run a tier's fixtures in the image.") { tier };
        var arguments = new Argument<string[]>("arguments") { Description = "what `repro sweep` takes (after --)", Arity = ArgumentArity.OneOrMore };
        var sweep = new Command("sweep", "Run `repro sweep <arguments>` in the image (a shard of the full tier on a GPU box).") { arguments };

        var filter = new Option<string?>("--filter") { Description = "a dotnet test --filter expression, ANDed with the tier's category" };
        var results = new Option<string?>("--results") { Description = "where the records go (default: artifacts/containers/<image>-<tier> of the checkout)" };
        var baseImage = new Option<string?>("--base")
        {
            Description = $"the base image (default: {ContainerImage.CpuBase}, or {ContainerImage.CudaBase} with --cuda); " +
                          $"'{ContainerImage.LocalBase}' makes Debian 12 with debootstrap, for machines without an image registry",
        };
        var cuda = new Option<bool>("--cuda") { Description = "the CUDA image (CUDA PyTorch's libtorch) instead of the CPU one" };
        var gpus = new Option<bool>("--gpus") { Description = "give the container every NVIDIA GPU of the host (needs the NVIDIA Container Toolkit)" };
        var data = new Option<string?>("--data") { Description = "the datasets folder, mounted read-only (default: REPRO_DATA when set)" };
        var memory = new Option<string?>("--memory") { Description = "the container's memory limit: bytes, or with k, m, g (default: none)" };

        foreach (var command in new[] { smoke, test, sweep })
        {
            command.Options.Add(results);
            command.Options.Add(baseImage);
            command.Options.Add(data);
            command.Options.Add(memory);
            if (command != smoke) { command.Options.Add(cuda); command.Options.Add(gpus); }
            if (command != sweep) command.Options.Add(filter);
        }
        Settings Of(ParseResult r, bool withGpus) => new(r.GetValue(results), r.GetValue(data), Bytes(r.GetValue(memory)), withGpus && r.GetValue(gpus));
        smoke.SetAction(r => Run(context, ContainerImage.Cpu(r.GetValue(baseImage)), Of(r, false),
            results => ContainerRun.Tests(Tier.Smoke, r.GetValue(filter), results), "smoke"));
        test.SetAction(r =>
        {
            var t = Tier.Parse(r.GetValue(tier)!, "tier");
            return Run(context, Image(r.GetValue(cuda), r.GetValue(baseImage)), Of(r, true),
                results => ContainerRun.Tests(t, r.GetValue(filter), results), t.Name);
        });
        sweep.SetAction(r => Run(context, Image(r.GetValue(cuda), r.GetValue(baseImage)), Of(r, true),
            results => ContainerRun.Repro(["sweep", .. r.GetValue(arguments)!], results), "sweep"));

        return new Command("container", "Run the harness inside its image (Docker, through Testcontainers), as CI does.") { smoke, test, sweep };
    }

    sealed record Settings(string? Results, string? Data, long? MemoryBytes, bool Gpus);

    static ContainerImage Image(bool cuda, string? baseImage) => cuda ? ContainerImage.Cuda(baseImage) : ContainerImage.Cpu(baseImage);

    /// <summary>"512m", "8g", "1073741824" as bytes.</summary>
    static long? Bytes(string? text)
    {
        if (text is null) return null;
        string digits = text.TrimEnd('k', 'K', 'm', 'M', 'g', 'G');
        long unit = text.Length == digits.Length ? 1 : char.ToLowerInvariant(text[^1]) switch { 'k' => 1L << 10, 'm' => 1L << 20, _ => 1L << 30 };
        if (text.Length - digits.Length > 1 || !long.TryParse(digits, out long n) || n <= 0)
            throw new UsageException($"--memory: '{text}' is not a size (bytes, or a number with k, m or g: 512m, 8g)");
        // Docker refuses limits under 6 MiB when it creates the container.
        if (n * unit < 6L << 20) throw new UsageException($"--memory: '{text}' is below the engine's smallest limit, 6m");
        return n * unit;
    }

    static int Run(CliContext context, ContainerImage image, Settings settings, Func<string, ContainerRun> what, string name)
    {
        string root = ReproPaths.Root;
        string results = settings.Results ?? Path.Combine(root, "artifacts", "containers", $"{image.Kind}-{name}");
        string? data = settings.Data ?? (Environment.GetEnvironmentVariable("REPRO_DATA") is { Length: > 0 } d ? d : null);
        if (data is not null && !Directory.Exists(data)) throw new UsageException($"--data: no folder {data}");
        var run = what(results) with { Gpus = settings.Gpus, Data = data, MemoryBytes = settings.MemoryBytes };
        void Log(string line) { lock (context.Error) context.Error.WriteLine(line); }
        try
        {
            // Ctrl-C stops the container (its finished records stay), rather than leave it running.
            using var signals = context.WatchSignals();
            using var engine = DockerEngine.Ensure(root, Log);
            string tag = image.Ensure(engine, root, Log, context.Cancellation);
            var outcome = run.Execute(engine, image, tag, root, Log, context.Cancellation);
            context.Out.WriteLine($"container: exit {outcome.ExitCode} after {outcome.Elapsed.TotalSeconds:F0} s; " +
                                  $"{outcome.Records.Count} record(s) in {Path.GetFullPath(results)}");
            foreach (string received in outcome.Received)
                context.Out.WriteLine($"  received {Path.GetRelativePath(root, received)}");
            if (outcome.Received.Count > 0)
                context.Out.WriteLine("  `dotnet run --project src/Repro.Cli -- golden diff` shows what moved; `dotnet msbuild -t:AcceptGolden` accepts it");
            return outcome.Passed ? ExitCodes.Success : ExitCodes.Failed;
        }
        catch (ContainerException e)
        {
            context.Error.WriteLine($"repro container: {e.Message}");
            return ExitCodes.Failed;
        }
        catch (OperationCanceledException)
        {
            context.Error.WriteLine($"repro container: stopped; the records that finished are in {Path.GetFullPath(results)}");
            return ExitCodes.Cancelled;
        }
    }
}
