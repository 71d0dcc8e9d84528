using System.CommandLine;
using Repro.Experiments;
using Repro.Harness;

namespace Repro.Cli;

/// <summary>`repro golden accept|check`: the golden snapshots of golden/ (DESIGN.md decision 2).</summary>
public static class GoldenCommand
{
    public static Command Create()
    {
        var accept = new Command("accept", "Move every golden/**/<cell>.received.json onto its .verified.json.");
        accept.SetAction(_ => Accept(new GoldenStore(ReproPaths.Golden), Console.Out));
        var check = new Command("check", "List golden snapshots that no cell of any experiment produces (exit 1 if any), and pinned cells without one.");
        check.SetAction(_ => Check(new GoldenStore(ReproPaths.Golden), Catalog.All, Console.Out));
        return new Command("golden", "Golden snapshots: accept received ones, check for orphans.") { accept, check };
    }

    public static int Accept(GoldenStore store, TextWriter output)
    {
        var accepted = store.AcceptAll();
        foreach (string path in accepted) output.WriteLine($"accepted {Path.GetRelativePath(store.Root, path)}");
        output.WriteLine(accepted.Count == 0 ? $"no received snapshots under {store.Root}" : $"{accepted.Count} snapshot(s) accepted; review them with git diff before committing");
        return 0;
    }

    public static int Check(GoldenStore store, IReadOnlyList<IExperiment> experiments, TextWriter output)
    {
        var produced = new HashSet<string>(StringComparer.Ordinal);
        var missing = new List<string>();
        foreach (var experiment in experiments)
            foreach (var tier in Tier.All.Where(experiment.Pins))
                foreach (string cell in experiment.Grid(tier).Cells().Select(c => c.Id).Concat(experiment.HasSummary ? ["summary"] : []))
                {
                    string path = store.VerifiedPath(experiment.Name, tier, cell);
                    produced.Add(path);
                    if (!File.Exists(path)) missing.Add(Path.GetRelativePath(store.Root, path));
                }
        var orphans = store.AllVerified().Select(v => v.path).Where(p => !produced.Contains(p)).ToList();
        foreach (string orphan in orphans) output.WriteLine($"orphan: {Path.GetRelativePath(store.Root, orphan)} (no cell of any experiment produces it)");
        foreach (string m in missing) output.WriteLine($"missing: {m}");
        output.WriteLine($"{produced.Count} pinned cells, {produced.Count - missing.Count} with goldens, {missing.Count} missing, {orphans.Count} orphaned");
        return orphans.Count == 0 ? 0 : 1;
    }
}
