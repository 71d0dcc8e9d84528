using System.Diagnostics;
using Repro.Experiments;
using Repro.Harness;

namespace Repro.Bench;

/// <summary>
/// What THEORY.md's probes cost a Short-tier cell: the real cell (wrn-cifar10 at beta = 1, eta~ = 0.1,
/// ||Z0|| = 1, with batch norm; gru-imdb at beta = 1, eta~ = 0.1, its eta*, ||Z0|| = 1) run whole, in
/// alternating rounds, three ways:
/// <list type="bullet">
/// <item>anchor: probes at the first and last steps only, no tangent kernel (training, evaluation and
/// calibration: what a cell costs without measuring its dynamics);</item>
/// <item>probes: the tier's probe schedule (every step to 4, then x sqrt(2)), no kernel;</item>
/// <item>probes + kernel: the tier's settings as they run (the kernel of 16 probe examples on its own schedule).</item>
/// </list>
/// Prints the median seconds of each and the ratios to the anchor. Target: the probe schedule grows
/// a cell's time by at most 15% (probes / anchor <= 1.15); the kernel's cost on top is measured and
/// printed beside it.
/// Run: dotnet run -c Release --project bench/Repro.Bench -- probes [--rounds 3] [--experiment wrn-cifar10|gru-imdb]
///      (an untimed warm-up cell, then under a minute a round for each on 2 cores)
/// </summary>
static class ProbesBench
{
    const double Target = 1.15;

    public static int Run(string[] args)
    {
        int rounds = BenchArgs.Option(args, "--rounds", 3);
        string? only = BenchArgs.Text(args, "--experiment");
        var cells = new (IExperiment Experiment, Func<Cell, bool> Pick)[]
        {
            (new WrnCifar10(), c => c.Beta == 1 && c.EtaTilde == 0.1 && c.LogitScale == 1 && c.Get<bool>("bn")),
            (new GruImdb(), c => c.Beta == 1 && c.Eta == 0.1 && c.LogitScale == 1),
        }.Where(e => only is null || e.Experiment.Name == only).ToList();
        if (cells.Count == 0) throw new ArgumentException($"unknown experiment '{only}' (known: wrn-cifar10, gru-imdb)");

        bool ok = true;
        var rows = new List<string>();
        foreach (var (experiment, pick) in cells)
        {
            var cell = experiment.Grid(Tier.Short).Cells().FirstOrDefault(pick)
                ?? throw new InvalidOperationException($"{experiment.Name}: its Short grid no longer has the cell this bench times (beta = 1, ||Z0|| = 1, the rate in ProbesBench): pick one of its cells there");
            var variants = new (string Name, IExperiment Experiment)[]
            {
                ("anchor", experiment.WithSettings(["recipe.probes.dense=0", "recipe.probes.ratio=1e9", "recipe.ntkExamples=0"], Tier.Short)),
                ("probes", experiment.WithSettings(["recipe.ntkExamples=0"], Tier.Short)),
                ("probes + kernel", experiment),
            };
            Console.WriteLine($"{experiment.Name} short {cell.Id}: {rounds} rounds of {string.Join(", ", variants.Select(v => v.Name))}");
            var seconds = variants.Select(_ => new List<double>()).ToArray();
            // One untimed cell first: the JIT, the data files' first read and libtorch's first
            // allocations would otherwise all fall on round 1's anchor.
            RunCell(variants[0].Experiment, cell);
            for (int round = 0; round < rounds; round++)
                for (int v = 0; v < variants.Length; v++)
                {
                    var sw = Stopwatch.StartNew();
                    var result = RunCell(variants[v].Experiment, cell);
                    seconds[v].Add(sw.Elapsed.TotalSeconds);
                    Console.Error.WriteLine($"  round {round + 1} {variants[v].Name}: {seconds[v][^1]:F1} s " +
                        $"({result.Curves["r"].Steps.Count} probes, {result.Curves.GetValueOrDefault("ntk_change")?.Steps.Count ?? 0} kernels, {result.Status})");
                }
            double anchor = BenchArgs.Median(seconds[0]);
            for (int v = 0; v < variants.Length; v++)
            {
                double ratio = BenchArgs.Median(seconds[v]) / anchor;
                bool target = v == 1;
                if (target) ok &= ratio <= Target;
                rows.Add($"{experiment.Name,-12} {variants[v].Name,-16} {BenchArgs.Median(seconds[v]),8:F1} {ratio,7:F3}  {(target ? (ratio <= Target ? "ok" : "MISSED") : "")}");
            }
        }
        Console.WriteLine();
        Console.WriteLine($"{"experiment",-12} {"variant",-16} {"s/cell",8} {"/anchor",7}");
        rows.ForEach(Console.WriteLine);
        Console.WriteLine($"s/cell: median over rounds of one whole Short cell; target: probes <= {Target} x the anchor (the kernel's cost is reported beside).");
        return ok ? 0 : 1;
    }

    static Repro.Training.RunResult RunCell(IExperiment experiment, Cell cell) =>
        experiment.Run(new CellContext(Tier.Short, cell, ConfigHash: "", CheckpointFolder: "", _ => { }, CancellationToken.None));
}
