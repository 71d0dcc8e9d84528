using System.CommandLine;
using Repro.Cli;

// `repro`: the harness's command line.
var root = new RootCommand("Repro: reproduces \"Temperature check\" (softmax inverse temperature beta) as experiments.");
root.Subcommands.Add(DoctorCommand.Create());
root.Subcommands.Add(GoldenCommand.Create());
return root.Parse(args).Invoke();
