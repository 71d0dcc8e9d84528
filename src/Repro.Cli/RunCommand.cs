using System.CommandLine;

namespace Repro.Cli;

/// <summary>`repro run &lt;experiment&gt; --tier t [--beta ...]`: runs the tier's cells that pass the
/// filters, through the same result store as the tests (a finished record is reused).</summary>
public static class RunCommand
{
    public static Command Create(CliContext context)
    {
        var options = new CellOptions(context);
        var cells = new Option<string?>("--cells")
        {
            Description = "a file of cell ids, one per line: run exactly these (any cell of the tier's grid or its eta scan; the filters still apply)",
        };
        var command = new Command("run", "Run cells of an experiment's grid (all of the tier, or those the filters keep); finished records are reused.") { cells };
        options.AddTo(command);
        command.SetAction(result =>
        {
            string? file = result.GetValue(cells);
            using var dataFolder = options.UseDataFolder(result);
            options.RequireRunnable(result);
            return options.Run(result, file is null ? options.Cells(result) : options.CellsOfFile(result, file)).ExitCode;
        });
        return command;
    }
}
