using System.CommandLine;
using Repro.Harness;

namespace Repro.Cli;

/// <summary>`repro list`: every experiment with, per tier, its grid's size, whether goldens pin
/// it, the data it reads (present or not) and how many of its cells have finished records.</summary>
public static class ListCommand
{
    public static Command Create(CliContext context)
    {
        var results = new Option<string>("--results")
        {
            Description = "the results directory whose records are counted (default: REPRO_RESULTS, else artifacts/results)",
            DefaultValueFactory = _ => ReproPaths.Results,
        };
        var command = new Command("list", "List experiments, their tiers and grid sizes, the data each needs (and whether it is here), and finished records.") { results };
        command.SetAction(result => Write(context.Experiments, new ResultStore(result.GetRequiredValue(results)), context.Out));
        return command;
    }

    public static int Write(IReadOnlyList<IExperiment> experiments, ResultStore store, TextWriter output)
    {
        foreach (var experiment in experiments)
        {
            output.WriteLine($"{experiment.Name}: {experiment.Description}");
            var stored = Directory.Exists(store.Root) ? StoredRecords.Read(store.Root, experiment.Name) : [];
            foreach (var tier in Tier.All)
            {
                var grid = experiment.Grid(tier);
                var cells = grid.Cells();
                var ids = cells.Select(c => c.Id).ToHashSet();
                int finished = stored.Count(s => s.Tier == tier.Name && ids.Contains(s.Cell) && s.Record is { IsFinished: true });
                string scan = grid.Scan is { } e
                    ? $" to start an eta scan (x{e.Ratio} steps, up to {e.MaxExtensions} more per side; then ||Z0|| {string.Join(", ", grid.LogitScales.Where(z => z != e.At).Select(z => z?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "init"))} at eta*)"
                    : "";
                output.WriteLine($"  {tier.Name,-5}  {cells.Count} cells = {Shape(cells)}{scan}; {(experiment.Pins(tier) ? "pinned by goldens" : "reported, not pinned")}; " +
                                 $"records: {finished}/{cells.Count} finished");
                output.WriteLine($"         data: {Data(experiment.DataNeeds(tier))}");
            }
        }
        output.WriteLine($"records are read from {store.Root}");
        return ExitCodes.Success;
    }

    /// <summary>"3 beta x 1 etat x 2 z0 x 2 net x 1 seed".</summary>
    static string Shape(IReadOnlyList<Cell> cells)
    {
        var first = cells[0];
        var parts = new List<string>
        {
            $"{cells.Select(c => c.Beta).Distinct().Count()} beta",
            LearningRates(cells),
            $"{cells.Select(c => c.LogitScale).Distinct().Count()} z0",
        };
        parts.AddRange(first.Extra.Select(kv => $"{cells.Select(c => Axis.Format(c.Extra.First(e => e.Key == kv.Key).Value)).Distinct().Count()} {kv.Key}"));
        parts.Add($"{cells.Select(c => c.Seed).Distinct().Count()} seed");
        return string.Join(" x ", parts);
    }

    /// <summary>"3 etat", or "2 etat per beta (6 in all)" for a grid whose rates depend on beta.</summary>
    static string LearningRates(IReadOnlyList<Cell> cells)
    {
        bool tilde = cells[0].LearningRateIsEtaTilde;
        double Rate(Cell c) => tilde ? c.EtaTilde : c.Eta;
        int all = cells.Select(Rate).Distinct().Count();
        int perBeta = cells.GroupBy(c => c.Beta).Max(g => g.Select(Rate).Distinct().Count());
        string name = tilde ? Cell.IdKeys.EtaTilde : Cell.IdKeys.Eta;
        return perBeta == all ? $"{all} {name}" : $"{perBeta} {name} per beta ({all} in all)";
    }

    static string Data(IReadOnlyList<DataNeed> needs) =>
        needs.Count == 0
            ? "none (synthetic, made from the seed)"
            : string.Join("; ", needs.Select(n => n.IsPresent() ? $"{n.Name} ({n.Where}): present" : $"{n.Name} ({n.Where}): MISSING; {n.HowToGet}"));
}
