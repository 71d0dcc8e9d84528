using System.CommandLine;
using Repro.Harness;

namespace Repro.Cli.Reporting;

/// <summary>`repro report &lt;results dir&gt; --out &lt;dir&gt;`: the paper's figures and a table of
/// every cell, from the run records of a results directory.</summary>
public static class ReportCommand
{
    public static Command Create(CliContext context)
    {
        var results = new Argument<string>("results") { Description = $"a results directory: {StoredRecords.Layout} (artifacts/results by default for run and sweep)" };
        var output = new Option<string>("--out", "-o") { Description = "the folder to write index.html, figures/*.svg and specs/*.vl.json into", Required = true };
        var experiment = new Option<string?>("--experiment") { Description = "report only this experiment's records" };
        var command = new Command("report", "Write an HTML report (works offline) and SVG figures from run records: accuracy vs beta, " +
                                            "beta x ||Z0|| heatmap, loss vs eta~ t, best eta vs beta, seed spread, and every cell's status.")
        {
            results, output, experiment,
        };
        command.SetAction(result =>
        {
            string directory = Path.GetFullPath(result.GetRequiredValue(results));
            string? only = result.GetValue(experiment);
            if (!Directory.Exists(directory))
                throw new UsageException($"results directory '{directory}' does not exist (a report reads {StoredRecords.Layout}, as run and sweep write it)");
            var records = StoredRecords.Read(directory, only);
            if (records.Count == 0)
                throw new UsageException(only is null
                    ? $"results directory '{directory}' holds no run records (expected {StoredRecords.Layout})"
                    : $"results directory '{directory}' holds no records of '{only}' (experiments there: {string.Join(", ", StoredRecords.Read(directory).Select(r => r.Experiment).Distinct().DefaultIfEmpty("none"))})");
            try
            {
                string page = ReportWriter.Write(records, result.GetRequiredValue(output), only ?? Path.GetFileName(directory), context.Error.WriteLine);
                context.Out.WriteLine($"report: {page}");
                return ExitCodes.Success;
            }
            catch (ReportException e)
            {
                context.Error.WriteLine($"repro report: {e.Message}");
                return ExitCodes.Failed;
            }
        });
        return command;
    }
}
