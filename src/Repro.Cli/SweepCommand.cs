using System.CommandLine;
using Repro.Cli.Reporting;
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
        var command = new Command("sweep", "Run an experiment's grid, or one shard of it, resumably; then write its report.") { shard, reportDir };
        options.AddTo(command);
        command.SetAction(result =>
        {
            var part = ShardOf(result.GetValue(shard));
            var cells = part.Select(options.Cells(result));
            var experiment = options.ExperimentOf(result);
            if (part != Shard.Whole) context.Out.WriteLine($"shard {part}: {cells.Count} cells");
            var summary = options.Run(result, cells);
            if (summary.Cancelled) return summary.ExitCode;

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
