using System.CommandLine;
using Repro.Cli.Reporting;
using Repro.Cli.Running;
using Repro.Harness;

namespace Repro.Cli;

/// <summary>`repro`: the harness's command line. <see cref="RunInConsole"/> is the program (console,
/// signals); <see cref="Run"/> is the same in-process, for tests.</summary>
public static class ReproCli
{
    /// <summary>Runs a command line against the console, with Ctrl-C and SIGTERM cancelling.</summary>
    public static int RunInConsole(string[] args, IReadOnlyList<IExperiment> experiments)
    {
        using var signals = new SignalCancellation(Console.Error);
        var context = new CliContext(Console.Out, Console.Error, experiments, signals.Token)
        {
            Interactive = !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("TERM") is not (null or "" or "dumb"),
            WatchSignals = signals.Watch,
        };
        return Run(args, context);
    }

    public static int Run(string[] args, CliContext context)
    {
        var root = new RootCommand("Repro: reproduces \"Temperature check\" (softmax inverse temperature beta) as experiments.")
        {
            DoctorCommand.Create(context),
            ListCommand.Create(context),
            RunCommand.Create(context),
            SweepCommand.Create(context),
            ReportCommand.Create(context),
            ExportCommand.Create(context),
            GoldenCommand.Create(context),
            DataCommand.Create(context),
            ContainerCommand.Create(context),
        };
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0 && parsed.CommandResult.Command.Subcommands.Count > 0)
        {
            // A group (`repro`, `repro golden`) without a known subcommand: one line naming them,
            // rather than the parser's two (command missing, token not recognized).
            string path = CommandPath(parsed.CommandResult);
            string wrong = parsed.UnmatchedTokens.Count > 0 ? $"unknown command '{parsed.UnmatchedTokens[0]}'" : "a command is required";
            context.Error.WriteLine($"repro{(path.Length > 0 ? " " + path : "")}: {wrong} (commands: {string.Join(", ", parsed.CommandResult.Command.Subcommands.Select(c => c.Name))})");
            return ExitCodes.BadArguments;
        }
        if (parsed.Errors.Count > 0)
        {
            // Bad arguments: one line saying what is wrong and what is accepted. The parser reports
            // every unmatched token (`--gamma`, then `1`) as its own error: they become one.
            var command = parsed.CommandResult.Command;
            string what = parsed.UnmatchedTokens.Count > 0
                ? $"unrecognized '{string.Join(" ", parsed.UnmatchedTokens)}' (options: {string.Join(", ", command.Options.Where(o => !o.Hidden).Select(o => o.Name))}" +
                  (command.Options.Any(o => o.Name == "--axis") ? "; any other axis: --axis name=v1,v2)" : ")")
                : string.Join("; ", parsed.Errors.Select(e => OneLine(e.Message)));
            string path = CommandPath(parsed.CommandResult);
            context.Error.WriteLine($"repro{(path.Length > 0 ? " " + path : "")}: {what}");
            return ExitCodes.BadArguments;
        }
        try
        {
            // Signals are ours (SignalCancellation), not System.CommandLine's.
            return parsed.Invoke(new InvocationConfiguration
            {
                Output = context.Out, Error = context.Error, ProcessTerminationTimeout = null, EnableDefaultExceptionHandler = false,
            });
        }
        catch (UsageException e)
        {
            context.Error.WriteLine($"repro {CommandPath(parsed.CommandResult)}: {OneLine(e.Message)}");
            return ExitCodes.BadArguments;
        }
        catch (UnavailableException e)
        {
            context.Error.WriteLine($"repro {CommandPath(parsed.CommandResult)}: {OneLine(e.Message)}");
            return ExitCodes.Unavailable;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The machine's fault, not a bug: no checkout found (REPRO_ROOT), a full disk, a folder
            // that cannot be written. One line.
            context.Error.WriteLine($"repro {CommandPath(parsed.CommandResult)}: {OneLine(e.Message)}");
            return ExitCodes.Failed;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Anything else is a bug: the whole exception with its stack, so that it can be found.
            context.Error.WriteLine($"repro {CommandPath(parsed.CommandResult)}: unexpected error (a bug in repro; the trace below says where):");
            context.Error.WriteLine(e.ToString());
            return ExitCodes.Failed;
        }
    }

    /// <summary>`golden diff` for the subcommand diff of golden.</summary>
    static string CommandPath(System.CommandLine.Parsing.CommandResult result)
    {
        var names = new List<string>();
        for (var r = result; r is { Parent: not null }; r = r.Parent as System.CommandLine.Parsing.CommandResult)
            names.Insert(0, r.Command.Name);
        return string.Join(' ', names);
    }

    static string OneLine(string message) => message.ReplaceLineEndings(" ").Replace("\t", "");
}
