using System.CommandLine;
using Repro.Harness;

namespace Repro.Cli;

/// <summary>`repro golden accept|check|diff`: the golden snapshots of golden/ (DESIGN.md decision 2).</summary>
public static class GoldenCommand
{
    public static Command Create(CliContext context)
    {
        var accept = new Command("accept", "Move every golden/**/<cell>.received.json onto its .verified.json.") { DirectoryOption() };
        accept.SetAction(result => Accept(Store(result), context.Out));
        var check = new Command("check", "List golden snapshots that no cell of any experiment produces or that cannot be read (exit 1 if any), and pinned cells without one.") { DirectoryOption() };
        check.SetAction(result => Check(Store(result), context.Experiments, context.Out));
        var diff = new Command("diff", "For every received snapshot, the quantities that moved against its verified one (exit 1 if any snapshot was received).") { DirectoryOption() };
        diff.SetAction(result => Diff(Store(result), context.Out));
        return new Command("golden", "Golden snapshots: show what moved, accept received ones, check for orphans.") { diff, accept, check };
    }

    static Option<string> DirectoryOption() => new("--dir")
    {
        Description = "the golden folder (default: golden/ of the checkout)",
        DefaultValueFactory = _ => ReproPaths.Golden,
    };

    static GoldenStore Store(ParseResult result)
    {
        string dir = result.GetRequiredValue<string>("--dir");
        if (!Directory.Exists(dir)) throw new UsageException($"--dir: no folder '{dir}' (the golden folder: <experiment>/<tier>/<cell>.verified.json)");
        return new(dir);
    }

    public static int Accept(GoldenStore store, TextWriter output)
    {
        IReadOnlyList<string> accepted;
        try { accepted = store.AcceptAll(); }
        catch (FormatException e)
        {
            output.WriteLine(e.Message);
            return ExitCodes.Failed;
        }
        foreach (string path in accepted) output.WriteLine($"accepted {Path.GetRelativePath(store.Root, path)}");
        output.WriteLine(accepted.Count == 0 ? $"no received snapshots under {store.Root}" : $"{accepted.Count} snapshot(s) accepted; review them with git diff before committing");
        return ExitCodes.Success;
    }

    public static int Check(GoldenStore store, IReadOnlyList<IExperiment> experiments, TextWriter output)
    {
        var produced = new HashSet<string>(StringComparer.Ordinal);
        var missing = new List<string>();
        foreach (var experiment in experiments)
            foreach (var tier in Tier.All.Where(t => experiment.Pins(t) || experiment.HasSummary(t)))
            {
                // A scan's start cells must have goldens; the cells it may add are not orphans. A
                // tier that pins no cell (full) may still pin its summary.
                var grid = experiment.Grid(tier);
                var pinned = experiment.Pins(tier) ? grid.Cells().Select(c => c.Id) : [];
                foreach (string cell in pinned.Concat(experiment.HasSummary(tier) ? ["summary"] : []))
                {
                    string path = store.VerifiedPath(experiment.Name, tier, cell);
                    produced.Add(path);
                    if (!File.Exists(path)) missing.Add(Path.GetRelativePath(store.Root, path));
                }
                var candidates = experiment.Pins(tier) ? grid.Candidates().Select(c => store.VerifiedPath(experiment.Name, tier, c.Id)) : [];
                produced.UnionWith(candidates.Where(File.Exists));
            }
        var verified = store.AllVerified().Select(v => v.path).ToList();
        var unreadable = verified.Select(GoldenFile.ProblemOf).OfType<string>().ToList();
        foreach (string problem in unreadable) output.WriteLine($"unreadable: {problem}");
        var orphans = verified.Where(p => !produced.Contains(p)).ToList();
        foreach (string orphan in orphans) output.WriteLine($"orphan: {Path.GetRelativePath(store.Root, orphan)} (no cell of any experiment produces it)");
        foreach (string m in missing) output.WriteLine($"missing: {m}");
        output.WriteLine($"{produced.Count} pinned cells, {produced.Count - missing.Count} with goldens, {missing.Count} missing, {orphans.Count} orphaned, {unreadable.Count} unreadable");
        return orphans.Count == 0 && unreadable.Count == 0 ? ExitCodes.Success : ExitCodes.Failed;
    }

    /// <summary>Each received snapshot against its verified one: the rows that moved (or every
    /// row of a new snapshot) and the configuration paths that changed. Exit 1 when any snapshot
    /// was received, as diff(1) exits 1 when files differ.</summary>
    public static int Diff(GoldenStore store, TextWriter output)
    {
        var received = Directory.Exists(store.Root)
            ? Directory.EnumerateFiles(store.Root, "*.received.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList()
            : [];
        foreach (string path in received)
        {
            string name = Path.GetRelativePath(store.Root, path)[..^".received.json".Length];
            string verifiedPath = path[..^".received.json".Length] + ".verified.json";
            GoldenFile now, before;
            try
            {
                now = GoldenFile.Read(path);
                if (!File.Exists(verifiedPath))
                {
                    output.WriteLine($"{name}: new, no verified snapshot ({now.Quantities.Count} quantities)");
                    output.WriteLine(new GoldenComparison([], now.Quantities).Table());
                    continue;
                }
                before = GoldenFile.Read(verifiedPath);
            }
            catch (FormatException e)
            {
                output.WriteLine($"{name}: unreadable: {e.Message}");
                output.WriteLine();
                continue;
            }
            var comparison = new GoldenComparison(before.Quantities, now.Quantities);
            int moved = comparison.Rows.Count(r => !r.Passed);
            output.WriteLine($"{name}: {moved} of {comparison.Rows.Count} quantities moved" +
                             (before.ConfigHash == now.ConfigHash ? "" : $"; configuration changed (hash {before.ConfigHash[..12]} -> {now.ConfigHash[..12]})"));
            if (before.ConfigHash != now.ConfigHash)
                foreach (string change in GoldenStore.ConfigDifferences(before.Config, now.Config)) output.WriteLine($"  config {change}");
            if (moved > 0) output.Write(comparison.Table(r => !r.Passed));
            output.WriteLine();
        }
        output.WriteLine(received.Count == 0
            ? $"no received snapshots under {store.Root}"
            : $"{received.Count} received snapshot(s); accept them with `repro golden accept` ({GoldenStore.AcceptCommand})");
        return received.Count == 0 ? ExitCodes.Success : ExitCodes.Failed;
    }
}
