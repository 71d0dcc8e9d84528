using Repro.Cli;
using Repro.Cli.SweepChild;

// Usage: Repro.Cli.SweepChild <repro arguments>, e.g. `sweep slow-test --results <dir>`.
// `repro` with the test experiment; REPRO_SLOW_STEP_MS slows each of its steps down.
var experiment = new SlowExperiment
{
    StepDelay = TimeSpan.FromMilliseconds(int.Parse(Environment.GetEnvironmentVariable("REPRO_SLOW_STEP_MS") ?? "0", System.Globalization.CultureInfo.InvariantCulture)),
};
return ReproCli.RunInConsole(args, [experiment]);
