using System.CommandLine;
using Repro.Cli.Export;
using Repro.Harness;

namespace Repro.Cli;

/// <summary>`repro export &lt;results dir&gt; --out table.csv|table.parquet`: every record as one tidy
/// table (one row per cell: axes, settings, scalars, status), for pandas or R.</summary>
public static class ExportCommand
{
    public static Command Create(CliContext context)
    {
        var results = new Argument<string>("results") { Description = $"a results directory: {StoredRecords.Layout} (artifacts/results for run and sweep)" };
        var output = new Option<string>("--out", "-o") { Description = "the table to write: .csv, or .parquet", Required = true };
        var experiment = new Option<string?>("--experiment") { Description = "export only this experiment's records" };
        var command = new Command("export", "Write every run record as one table, one row per cell (axes, settings, scalars, last curve values, status): CSV or Parquet.")
        {
            results, output, experiment,
        };
        command.SetAction(result =>
        {
            string directory = Path.GetFullPath(result.GetRequiredValue(results));
            string path = Path.GetFullPath(result.GetRequiredValue(output));
            string extension = Path.GetExtension(path).ToLowerInvariant();
            if (extension is not (".csv" or ".parquet"))
                throw new UsageException($"--out '{path}': the table is written as .csv or .parquet, chosen by its extension, not '{extension}'");
            if (!Directory.Exists(directory))
                throw new UsageException($"results directory '{directory}' does not exist (export reads {StoredRecords.Layout}, as run and sweep write it)");
            var stored = StoredRecords.Read(directory, result.GetValue(experiment));
            if (stored.Count == 0) throw new UsageException($"results directory '{directory}' holds no run records{(result.GetValue(experiment) is { } e ? $" of '{e}'" : "")} (expected {StoredRecords.Layout})");
            var table = TidyTable.Of(stored);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            if (extension == ".csv") AtomicFile.WriteAllText(path, CsvExport.Write(table));
            else AtomicFile.WriteAllBytes(path, ParquetExport.Write(table));
            int unreadable = stored.Count(s => s.Record is null);
            context.Out.WriteLine($"wrote {path}: {table.Rows.Count} rows x {table.Columns.Count} columns" +
                                  (unreadable > 0 ? $" ({unreadable} unreadable records kept as rows with status 'unreadable')" : ""));
            return ExitCodes.Success;
        });
        return command;
    }
}
