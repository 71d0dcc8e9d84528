using System.CommandLine;
using Repro.Cli.Running;
using Repro.Harness;

namespace Repro.Cli;

/// <summary>The arguments `run` and `sweep` share: the experiment, its tier, filters on the grid's
/// axes, where records go, and whether finished records are run again.</summary>
sealed class CellOptions
{
    readonly CliContext context;
    readonly Argument<string> experiment;
    readonly Option<string> tier = new("--tier", "-t")
    {
        Description = "smoke (seconds, CPU), short (minutes, CPU) or full (the paper's scale, GPU)",
        DefaultValueFactory = _ => Tier.Smoke.Name,
    };
    readonly Option<string?> beta = Filter("beta", "beta values (e.g. 0.1,1)");
    readonly Option<string?> etaTilde = Filter("etat", "eta~ = eta beta^2 values (e.g. 0.01,0.1)");
    readonly Option<string?> eta = Filter("eta", "eta values (matched within 1e-9 relative)");
    readonly Option<string?> z0 = Filter("z0", "initial logit scales ||Z0|| (init: the model's own)");
    readonly Option<string?> seed = Filter("seed", "seeds (e.g. 0,1)");
    readonly Option<string[]> axis = new("--axis")
    {
        Description = "name=v1,v2: values of any axis, extra ones included (e.g. --axis net=mlp); repeatable",
        AllowMultipleArgumentsPerToken = false,
    };
    readonly Option<string> results = new("--results")
    {
        Description = "the results directory (default: REPRO_RESULTS, else artifacts/results of the checkout)",
        DefaultValueFactory = _ => ReproPaths.Results,
    };
    readonly Option<bool> force = new("--force") { Description = "run cells again even when they have a finished record (as REPRO_FORCE=1)" };

    public CellOptions(CliContext context)
    {
        this.context = context;
        experiment = new Argument<string>("experiment") { Description = $"one of: {string.Join(", ", context.Experiments.Select(e => e.Name))}" };
        experiment.Validators.Add(result =>
        {
            string name = result.GetValueOrDefault<string>();
            if (context.Experiments.All(e => e.Name != name))
                result.AddError($"unknown experiment '{name}' (experiments: {string.Join(", ", context.Experiments.Select(e => e.Name))})");
        });
        tier.Validators.Add(result =>
        {
            string name = result.GetValueOrDefault<string>();
            if (Tier.All.All(t => t.Name != name)) result.AddError($"--tier '{name}' is not a tier (tiers: {string.Join(", ", Tier.All)})");
        });
    }

    static Option<string?> Filter(string name, string what) => new($"--{name}") { Description = $"keep only cells with these {what}, comma-separated" };

    public void AddTo(Command command)
    {
        command.Arguments.Add(experiment);
        foreach (Option option in new Option[] { tier, beta, etaTilde, eta, z0, seed, axis, results, force })
            command.Options.Add(option);
    }

    public IExperiment ExperimentOf(ParseResult result) => context.Experiment(result.GetRequiredValue(experiment));
    public Tier TierOf(ParseResult result) => Tier.Parse(result.GetRequiredValue(tier), "--tier");
    public ResultStore StoreOf(ParseResult result) => new(result.GetRequiredValue(results));
    /// <summary>--force, else REPRO_FORCE decides (null).</summary>
    public bool? ForceOf(ParseResult result) => result.GetValue(force) ? true : null;

    /// <summary>The tier's cells that pass the filters, in grid order.</summary>
    public IReadOnlyList<Cell> Cells(ParseResult result)
    {
        var (e, t) = (ExperimentOf(result), TierOf(result));
        var filter = new CellFilter()
            .Add("beta", result.GetValue(beta)).Add("etat", result.GetValue(etaTilde)).Add("eta", result.GetValue(eta))
            .Add("z0", result.GetValue(z0)).Add("seed", result.GetValue(seed));
        foreach (string term in result.GetValue(axis) ?? []) filter.AddAxis(term);
        return filter.Apply(e.Grid(t).Cells(), $"{e.Name}/{t}");
    }

    /// <summary>Runs the cells with the display the output calls for, and prints the summary.</summary>
    public SweepSummary Run(ParseResult result, IReadOnlyList<Cell> cells)
    {
        var (e, t, store) = (ExperimentOf(result), TierOf(result), StoreOf(result));
        ISweepDisplay display = context.Interactive ? new LiveDisplay(context.Out) : new PlainDisplay(context.Out);
        SweepSummary summary;
        using (context.WatchSignals())
            summary = new SweepRunner(store, display).Run(e, t, cells, ForceOf(result), context.Cancellation);
        context.Out.WriteLine($"{e.Name}/{t}: {summary}");
        context.Out.WriteLine($"records: {Path.Combine(store.Root, e.Name, t.Name)}");
        foreach (var failed in summary.Failed)
            context.Out.WriteLine($"failed: {failed.Cell}: {MetricsText.FirstLine(failed.Error)} (the whole error is in its record)");
        if (summary.Cancelled)
            context.Out.WriteLine("stopped by a signal: the same command finishes the rest (finished cells are reused)");
        return summary;
    }
}
