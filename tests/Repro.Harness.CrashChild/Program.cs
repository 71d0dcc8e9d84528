using Repro.Harness;
using Repro.Harness.CrashChild;

// Usage: Repro.Harness.CrashChild <results dir> [--hang-in-write <cell id>]
// Runs the toy grid's smoke cells in order, printing "ran <id>" or "reused <id>". With
// --hang-in-write, it stops for good halfway through writing that cell's record, after printing
// "half-written <temp path>", so that the parent can kill it there.
string root = args[0];
string? hangOn = args.Length == 3 && args[1] == "--hang-in-write" ? args[2] : null;
if (hangOn is not null)
    AtomicFile.HalfWrittenForTests = temp =>
    {
        if (!Path.GetFileName(temp).StartsWith($".{hangOn}.json.", StringComparison.Ordinal)) return;
        Console.WriteLine($"half-written {temp}");
        Console.Out.Flush();
        Thread.Sleep(Timeout.Infinite);
    };

var experiment = new ToyExperiment();
var runner = new CellRunner(new ResultStore(root), Console.Error.WriteLine);
foreach (var cell in experiment.Grid(Tier.Smoke).Cells())
{
    runner.Run(experiment, Tier.Smoke, cell, out bool ran, reuseAcrossCode: false);
    Console.WriteLine($"{(ran ? "ran" : "reused")} {cell.Id}");
}
return 0;
