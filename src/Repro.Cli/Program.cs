using System.CommandLine;
using Repro.Cli;

// `repro`: the harness's command line. For now one command, `repro doctor`.
var root = new RootCommand("Repro: reproduces \"Temperature check\" (softmax inverse temperature beta) as experiments.");
root.Subcommands.Add(DoctorCommand.Create());
return root.Parse(args).Invoke();
