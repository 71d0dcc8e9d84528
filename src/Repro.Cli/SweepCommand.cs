using System.CommandLine;
using Repro.Cli.Reporting;
using Repro.Cli.Running;
using Repro.Harness;

namespace Repro.Cli;

/// <summary>
/// `repro sweep &lt;experiment&gt; --tier t [--shard i/n]`: runs the tier's grid, or one shard of it
/// (from --shard, else from a SLURM array task's environment), resuming from finished records,
/// then writes a report of the experiment's records and prints its path. A shard writes no
/// report: shards end at different times, often on machines that share the results folder, and
/// would overwrite each other's partial reports; it prints the command that reports them all.
/// </summary>
public static class SweepCommand
{
    public static Command Create(CliContext context)
    {
        var options = new CellOptions(context);
        var shard = new Option<string?>("--shard")
        {
            Description = $"run one part of the grid: {Shard.Form}; cells are dealt round-robin in grid order. " +
                          "Default: SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN + 1 of SLURM_ARRAY_TASK_COUNT inside a job array, else the whole grid",
        };
        var reportDir = new Option<string?>("--report-dir")
        {
            Description = "where the report goes (default: artifacts/report/<experiment> of the checkout)",
        };
        var gpus = new Option<int?>("--gpus")
        {
            Description = "run one cell per GPU at once on this many GPUs (child processes, each seeing one through CUDA_VISIBLE_DEVICES); for tiers on cuda",
        };
        var command = new Command("sweep", "Run an experiment's grid, or one shard of it, resumably; then write its report.") { shard, reportDir, gpus };
        options.AddTo(command);
        command.SetAction(result =>
        {
            var part = ShardOf(result.GetValue(shard));
            using var dataFolder = options.UseDataFolder(result);
            options.RequireRunnable(result);
            var experiment = options.ExperimentOf(result);
            var grid = experiment.Grid(options.TierOf(result));
            if (result.GetValue(gpus) is not null && part != Shard.Whole)
                throw new UsageException("--gpus with --shard: give one of them (a shard on a box of GPUs: run it with --gpus and no --shard, over the same --results)");
            var launcher = result.GetValue(gpus) is { } n ? Launcher(n, options, result, experiment, context) : null;
            SweepSummary? sweep = null;
            int started = 0;
            // The grid's cells, then the eta scan's rounds (README "How the eta scan decides"), each
            // from what has finished; a shard runs its part of the first round only.
            GridRun.Complete(grid, (round, next) =>
            {
                if (sweep is { Cancelled: true } or { Stopped: not null } || (round > 0 && part != Shard.Whole)) return [];
                var cells = round == 0 ? part.Select(options.Filter(result, next)) : options.Filter(result, next, strict: false);
                if (cells.Count == 0) return [];
                if (round == 0) started = cells.Count;
                if (round == 0 && part != Shard.Whole) context.Out.WriteLine($"shard {part}: {cells.Count} cells");
                if (round > 0) context.Out.WriteLine($"{GridRun.RoundName(round, cells)}: {cells.Count} cells");
                var ran = launcher is null ? options.Run(result, cells) : RunOnGpus(launcher, options, result, experiment, cells, context);
                sweep = sweep is null ? ran : sweep.Then(ran);
                return ran.Done.Select(d => d.Record);
            });
            var summary = sweep!;
            if (summary.Cancelled) return summary.ExitCode;
            bool slice = started < grid.Cells().Count;
            if (part == Shard.Whole)
                context.Out.Write(ClaimsFormat.Text($"{experiment.Name}/{options.TierOf(result)}: the paper's claims at this scale ({summary.Done.Count} cells; README \"The claims as verdicts\")",
                    ClaimsTable.ForRecords(summary.Done.Select(d => d.Record))));
            if (part == Shard.Whole && slice)
                context.Out.WriteLine($"this sweep ran a slice of {experiment.Name}/{options.TierOf(result)} ({summary.Done.Count} cells); " +
                                      $"the whole tier, reusing them: dotnet run --project src/Repro.Cli -- sweep {experiment.Name} --tier {options.TierOf(result)}");

            string folder = result.GetValue(reportDir)
                ?? Path.Combine(ReproPaths.Root, "artifacts", "report", options.SetFolder(result) ?? "", experiment.Name);
            string results = options.StoreOf(result).Root;
            if (part != Shard.Whole)
            {
                context.Out.WriteLine($"shard {part} done; once every shard is: repro report {results} --experiment {experiment.Name} --out {folder}");
                return summary.ExitCode;
            }
            try
            {
                var records = StoredRecords.Read(results, experiment.Name);
                string page = ReportWriter.Write(records, folder, $"{experiment.Name}", context.Error.WriteLine);
                context.Out.WriteLine($"report: {page}");
            }
            catch (ReportException e)
            {
                context.Error.WriteLine($"repro sweep: the report could not be written: {e.Message}");
                return ExitCodes.Failed;
            }
            return summary.ExitCode;
        });
        return command;
    }

    static GpuLauncher Launcher(int gpus, CellOptions options, ParseResult result, IExperiment experiment, CliContext context)
    {
        var tier = options.TierOf(result);
        var device = experiment is Repro.Experiments.IHasRequirements needs ? needs.Device(tier) : Repro.Experiments.RecipeDevice.Cpu;
        // Plain cuda, not cuda:1: each child sees its one GPU as cuda.
        if (device != Repro.Experiments.RecipeDevice.Cuda)
            throw new UsageException($"--gpus: {experiment.Name}/{tier} runs on {device.ToString().ToLowerInvariant()}; --gpus is for a tier on cuda (the full tiers, or --set recipe.device=cuda)");
        return new GpuLauncher(gpus, Environment.GetEnvironmentVariable("CUDA_VISIBLE_DEVICES"), Repro.Torch.torch.cuda.device_count(),
            (_, file) => GpuLauncher.Self(options.RunArguments(result, file)), context.Out);
    }

    /// <summary>One round on the GPUs: the children run the cells, the parent reads their records.</summary>
    static SweepSummary RunOnGpus(GpuLauncher launcher, CellOptions options, ParseResult result, IExperiment experiment,
        IReadOnlyList<Cell> cells, CliContext context)
    {
        var (tier, store) = (options.TierOf(result), options.StoreOf(result));
        var since = DateTimeOffset.UtcNow;
        int exit;
        using (context.WatchSignals())
            exit = launcher.Run(cells.Select(c => c.Id).ToList(), context.Cancellation);
        var done = cells.Select(c => store.TryRead(experiment.Name, tier, c.Id, context.Error.WriteLine))
            .OfType<RunRecord>().Select(r => (r, r.EndedAt >= since)).ToList();
        var summary = new SweepSummary(cells.Count, done, Cancelled: context.Cancellation.IsCancellationRequested || exit == ExitCodes.Cancelled);
        if (exit is not (ExitCodes.Success or ExitCodes.Failed or ExitCodes.Cancelled) || done.Count < cells.Count && !summary.Cancelled)
            context.Error.WriteLine($"repro sweep: a GPU child exited with {exit}; {cells.Count - done.Count} of the round's {cells.Count} cells have no record (its output above says why; the same command runs them)");
        options.Print(result, summary, $"{experiment.Name}/{tier} on {launcher.Devices.Count} GPU(s)");
        return summary;
    }

    static Shard ShardOf(string? option)
    {
        try
        {
            return option is not null ? Shard.Parse(option) : Shard.FromSlurm(Environment.GetEnvironmentVariable) ?? Shard.Whole;
        }
        catch (FormatException e)
        {
            throw new UsageException(e.Message);
        }
    }
}
