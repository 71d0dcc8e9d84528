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
    readonly Option<string?> beta = Filter(Cell.IdKeys.Beta, "beta values (e.g. 0.1,1)");
    readonly Option<string?> etaTilde = Filter(Cell.IdKeys.EtaTilde, "eta~ = eta beta^2 values (e.g. 0.01,0.1)");
    readonly Option<string?> eta = Filter(Cell.IdKeys.Eta, "eta values (matched within 1e-9 relative)");
    readonly Option<string?> z0 = Filter(Cell.IdKeys.LogitScale, "initial logit scales ||Z0|| (init: the model's own)");
    readonly Option<string?> seed = Filter(Cell.IdKeys.Seed, "seeds (e.g. 0,1)");
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
    readonly Option<string?> data = new("--data")
    {
        Description = $"the folder the paper's datasets are read from (default: {Repro.Data.DataFolder.Variable}); GPU workers read it too",
    };
    readonly Option<bool> force = new("--force") { Description = "run cells again even when they have a finished record (as REPRO_FORCE=1)" };
    readonly Option<string[]> set = new("--set")
    {
        Description = "name=value: change one of the tier's settings (e.g. recipe.steps=2000, hidden=512, recipe.milestones=[30,60]); "
            + "repeatable; records go under <results>/set/<assignments>",
        AllowMultipleArgumentsPerToken = false,
    };

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
        results.Validators.Add(result =>
        {
            if (string.IsNullOrWhiteSpace(result.GetValueOrDefault<string>()))
                result.AddError("--results '': give the results folder (an empty path names none)");
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
        foreach (Option option in new Option[] { tier, beta, etaTilde, eta, z0, seed, axis, set, results, data, force })
            command.Options.Add(option);
    }

    /// <summary>The experiment, with the --set overrides applied to its settings.</summary>
    public IExperiment ExperimentOf(ParseResult result)
    {
        var e = context.Experiment(result.GetRequiredValue(experiment));
        string[] assignments = result.GetValue(set) ?? [];
        if (assignments.Length == 0) return e;
        try { return e.WithSettings(assignments, TierOf(result)); }
        catch (ArgumentException ex) { throw new UsageException(ex.Message); }
    }

    public Tier TierOf(ParseResult result) => Tier.Parse(result.GetRequiredValue(tier), "--tier");

    /// <summary>Points REPRO_DATA at --data for this command, where every loader, the requirements
    /// check and the GPU workers it starts read it; disposing puts the previous value back. A folder
    /// that does not exist is a usage error naming it.</summary>
    public IDisposable UseDataFolder(ParseResult result)
    {
        string variable = Repro.Data.DataFolder.Variable;
        string? before = Environment.GetEnvironmentVariable(variable);
        if (result.GetValue(data) is not { } folder) return new Restore(() => { });
        if (folder.Length == 0 || !Directory.Exists(folder))
            throw new UsageException($"--data: no folder '{folder}' (the folder that holds the datasets, e.g. cifar-10-batches-bin/, imagenet/, aclImdb/)");
        Environment.SetEnvironmentVariable(variable, Path.GetFullPath(folder));
        return new Restore(() => Environment.SetEnvironmentVariable(variable, before));
    }

    sealed class Restore(Action undo) : IDisposable
    {
        public void Dispose() => undo();
    }

    /// <summary>Stops before the first cell when the tier cannot run here (a GPU or a dataset it
    /// needs is missing), rather than write a failed record for every cell.</summary>
    public void RequireRunnable(ParseResult result)
    {
        var (e, t) = (ExperimentOf(result), TierOf(result));
        var missing = Repro.Experiments.Requirements.Missing(e, t);
        if (missing.Count > 0)
            throw new UnavailableException($"{e.Name}/{t} cannot run here: {string.Join("; ", missing)}");
    }

    /// <summary>Overridden settings keep their records apart (under set/&lt;assignments&gt;), so that
    /// trying a setting never replaces the records of the defaults.</summary>
    public ResultStore StoreOf(ParseResult result)
    {
        string root = result.GetRequiredValue(results);
        return new(SetFolder(result) is { } folder ? Path.Combine(root, folder) : root);
    }

    /// <summary>set/&lt;assignments&gt; when --set is given (where its records and report go), else null.</summary>
    public string? SetFolder(ParseResult result)
    {
        string[] assignments = result.GetValue(set) ?? [];
        return assignments.Length == 0 ? null : Path.Combine("set", OverrideFolder(assignments));
    }

    static string OverrideFolder(IReadOnlyList<string> assignments)
    {
        string name = new(string.Join("_", assignments).Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '=' or ',' or '-' ? c : '_').ToArray());
        // A long list is cut, with a hash of the whole so that two long lists never share a folder.
        return name.Length <= 80 ? name : $"{name[..64]}-{CanonicalJson.Hash(System.Text.Json.Nodes.JsonValue.Create(string.Join("\n", assignments)))[..12]}";
    }
    /// <summary>--force, else REPRO_FORCE decides (null).</summary>
    public bool? ForceOf(ParseResult result) => result.GetValue(force) ? true : null;

    /// <summary>The tier's cells that pass the filters, in grid order.</summary>
    public IReadOnlyList<Cell> Cells(ParseResult result)
    {
        var (e, t) = (ExperimentOf(result), TierOf(result));
        return Filter(result, e.Grid(t).Cells());
    }

    /// <summary>The cells named in <paramref name="file"/> (one id per line, as records and
    /// `repro list` name them), each any cell the tier's grid or its eta scan can make, in the
    /// file's order, then the filters.</summary>
    public IReadOnlyList<Cell> CellsOfFile(ParseResult result, string file)
    {
        var (e, t) = (ExperimentOf(result), TierOf(result));
        string[] ids;
        try { ids = File.ReadAllLines(file).Select(l => l.Trim()).Where(l => l.Length > 0).ToArray(); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { throw new UsageException($"--cells {file}: {ex.Message}"); }
        var known = e.Grid(t).Candidates().ToDictionary(c => c.Id);
        var cells = ids.Select((id, k) => known.TryGetValue(id, out var cell) ? cell
            : throw new UsageException($"--cells {file}, line {k + 1}: '{id}' is no cell of {e.Name}/{t} (nor of its eta scan)")).ToList();
        return Filter(result, cells);
    }

    /// <summary>The arguments that make another process run these options' experiment, tier,
    /// settings, results and --force on the cells listed in <paramref name="cellsFile"/>.</summary>
    public IReadOnlyList<string> RunArguments(ParseResult result, string cellsFile)
    {
        var args = new List<string> { "run", result.GetRequiredValue(experiment), "--tier", result.GetRequiredValue(tier),
            "--results", result.GetRequiredValue(results), "--cells", cellsFile };
        foreach (string assignment in result.GetValue(set) ?? []) args.AddRange(["--set", assignment]);
        if (result.GetValue(force)) args.Add("--force");
        return args;
    }

    /// <summary>The given cells of the tier that pass the filters, in their order; not
    /// <paramref name="strict"/>, a filter that matches none of them is no error.</summary>
    public IReadOnlyList<Cell> Filter(ParseResult result, IReadOnlyList<Cell> cells, bool strict = true)
    {
        var (e, t) = (ExperimentOf(result), TierOf(result));
        var filter = new CellFilter()
            .Add(Cell.IdKeys.Beta, result.GetValue(beta)).Add(Cell.IdKeys.EtaTilde, result.GetValue(etaTilde))
            .Add(Cell.IdKeys.Eta, result.GetValue(eta)).Add(Cell.IdKeys.LogitScale, result.GetValue(z0)).Add(Cell.IdKeys.Seed, result.GetValue(seed));
        foreach (string term in result.GetValue(axis) ?? []) filter.AddAxis(term);
        return filter.Apply(cells, $"{e.Name}/{t}", strict);
    }

    /// <summary>Runs the cells with the display the output calls for, and prints the summary.</summary>
    public SweepSummary Run(ParseResult result, IReadOnlyList<Cell> cells)
    {
        var (e, t, store) = (ExperimentOf(result), TierOf(result), StoreOf(result));
        ISweepDisplay display = context.Interactive ? new LiveDisplay(context.Out) : new PlainDisplay(context.Out);
        if (e.Overrides.Count > 0)
            context.Out.WriteLine($"settings: {string.Join(" ", e.Overrides)} over {e.Name}/{t}'s defaults (goldens pin the defaults only)");
        SweepSummary summary;
        using (context.WatchSignals())
            summary = new SweepRunner(store, display).Run(e, t, cells, ForceOf(result), context.Cancellation);
        Print(result, summary, $"{e.Name}/{t}");
        return summary;
    }

    /// <summary>What a run of cells prints at its end: the summary under <paramref name="label"/>,
    /// where the records are, each failed cell's first error line, and how to finish a stopped run.</summary>
    public void Print(ParseResult result, SweepSummary summary, string label)
    {
        var (e, t, store) = (ExperimentOf(result), TierOf(result), StoreOf(result));
        context.Out.WriteLine($"{label}: {summary}");
        context.Out.WriteLine($"records: {Path.Combine(store.Root, e.Name, t.Name)}");
        foreach (var failed in summary.Failed)
            context.Out.WriteLine($"failed: {failed.Cell}: {MetricsText.FirstLine(failed.Error)} (the whole error is in its record)");
        if (summary.Stopped is { } why)
            context.Out.WriteLine($"stopped: {why}");
        if (summary.Cancelled)
            context.Out.WriteLine("stopped by a signal: the same command finishes the rest (finished cells are reused)");
    }
}
