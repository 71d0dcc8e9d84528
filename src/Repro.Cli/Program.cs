using Repro.Cli;
using Repro.Experiments;

return ReproCli.RunInConsole(args, Catalog.All);
