using Repro.Harness;

namespace Repro.Cli.Tests;

/// <summary>What an in-process `repro` run printed and returned.</summary>
sealed record CliResult(int ExitCode, string Out, string Error)
{
    public string[] ErrorLines => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Out}\nstderr:\n{Error}";
}

/// <summary>Runs `repro` in-process, as the program does but with its output captured and the
/// experiments given.</summary>
static class Cli
{
    public static CliResult Run(IReadOnlyList<IExperiment> experiments, params string[] args)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        int exit = ReproCli.Run(args, new CliContext(output, error, experiments, CancellationToken.None));
        return new CliResult(exit, output.ToString(), error.ToString());
    }
}
