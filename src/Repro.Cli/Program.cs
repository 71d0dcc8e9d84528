using System.CommandLine;
using Repro.Cli;

// `repro`: the harness's command line.
var root = new RootCommand("Repro: reproduces \"Temperature check\" (softmax inverse temperature beta) as experiments.");
root.Subcommands.Add(DoctorCommand.Create());
root.Subcommands.Add(GoldenCommand.Create());
root.Subcommands.Add(DataCommand.Create());
var parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    // Bad arguments: one line each saying what is wrong and what is accepted, exit code 2.
    foreach (var error in parsed.Errors) Console.Error.WriteLine($"repro: {error.Message.ReplaceLineEndings(" ").Replace("\t", "")}");
    return 2;
}
return parsed.Invoke();
