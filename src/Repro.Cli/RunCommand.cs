using System.CommandLine;

namespace Repro.Cli;

/// <summary>`repro run &lt;experiment&gt; --tier t [--beta ...]`: runs the tier's cells that pass the
/// filters, through the same result store as the tests (a finished record is reused).</summary>
public static class RunCommand
{
    public static Command Create(CliContext context)
    {
        var options = new CellOptions(context);
        var command = new Command("run", "Run cells of an experiment's grid (all of the tier, or those the filters keep); finished records are reused.");
        options.AddTo(command);
        command.SetAction(result => options.Run(result, options.Cells(result)).ExitCode);
        return command;
    }
}
