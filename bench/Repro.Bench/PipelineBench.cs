using System.Diagnostics;
using Repro.Data;
using Repro.Torch;
using static Repro.Torch.torch;

namespace Repro.Bench;

/// <summary>
/// Does data loading ever stall training? Trains the foundation benchmark's small CNN on
/// CIFAR-shaped synthetic images through the augmented batch pipeline (shuffle, crop with 4-pixel
/// padding, flip, normalize), built in place and on a background thread, and prints each mode's
/// step time against the same steps on a batch built in advance (the anchor), and the share of
/// step time spent waiting for data (target < 5% for the mode chosen by default).
/// Run: dotnet run -c Release --project bench/Repro.Bench -- pipeline  (about 20 s on 2 cores)
/// </summary>
static class PipelineBench
{
    const int Batch = 128;
    const double Target = 0.05;

    public static int Run(string[] args)
    {
        int steps = BenchArgs.Option(args, "--steps", 200);
        var set = SyntheticImages.Generate(10_000, seed: 0);
        Console.WriteLine($"libtorch {TorchRuntime.Version}, {TorchRuntime.Threads} threads; {set.Count} synthetic 3x32x32 images, batch {Batch}, augmented");

        // Anchor: the pipeline alone, batches built as fast as the producer can.
        double aloneMs;
        using (var alone = new ImageBatches(set, Batch, seed: 1, Normalization.Cifar10, augment: true))
        {
            for (int i = 0; i < 30; i++) alone.Next().Dispose();  // warm-up: tiered JIT of the build loops
            var sw = Stopwatch.StartNew();
            for (int i = 0; i < 50; i++) alone.Next().Dispose();
            aloneMs = sw.Elapsed.TotalMilliseconds / 50;
        }

        using var g = new Generator(0);
        using var model = new BenchCnn(g);
        using var opt = optim.SGD(model.parameters(), lr: 0.05, momentum: 0.9);
        Batch fixedBatch;
        using (var one = new ImageBatches(set, Batch, seed: 1, Normalization.Cifar10, augment: true)) fixedBatch = one.Next();
        using var disposeFixed = fixedBatch;
        for (int i = 0; i < 20; i++) Step(model, opt, fixedBatch, dispose: false);  // warm-up (tiered JIT, allocator)

        // Anchor: the same steps on one batch built in advance, no loader at all.
        var plain = Stopwatch.StartNew();
        for (int i = 0; i < steps; i++) Step(model, opt, fixedBatch, dispose: false);
        double plainMs = plain.Elapsed.TotalMilliseconds / steps;

        Console.WriteLine($"loader alone:        {aloneMs,8:F2} ms/batch");
        Console.WriteLine($"step, no loader:     {plainMs,8:F2} ms/step (one batch built in advance: the anchor)");
        Console.WriteLine();
        Console.WriteLine($"{"loader",-22} {"ms/step",8} {"vs anchor",10} {"waiting",9}");
        bool ok = true;
        bool defaultBackground = Environment.ProcessorCount > TorchRuntime.Threads;
        foreach (bool background in new[] { false, true })
        {
            using var batches = new ImageBatches(set, Batch, seed: 1, Normalization.Cifar10, augment: true, background);
            for (int i = 0; i < 5; i++) Step(model, opt, batches.Next());
            var waitBefore = batches.WaitTime;
            var total = Stopwatch.StartNew();
            for (int i = 0; i < steps; i++) Step(model, opt, batches.Next());
            double stepMs = total.Elapsed.TotalMilliseconds / steps, waitMs = (batches.WaitTime - waitBefore).TotalMilliseconds / steps;
            double share = waitMs / stepMs;
            bool isDefault = background == defaultBackground;
            if (isDefault) ok = share < Target;
            Console.WriteLine($"{(background ? "background thread" : "in place"),-22} {stepMs,8:F2} {stepMs / plainMs,10:F3} {100 * share,8:F2}%{(isDefault ? "  <- default here" : "")}");
        }
        Console.WriteLine($"waiting: share of step time spent waiting for (or building) the batch. Target for the default: < {100 * Target:F0}%.");
        Console.WriteLine($"default: background when cores ({Environment.ProcessorCount}) > libtorch threads ({TorchRuntime.Threads}).");
        return ok ? 0 : 1;
    }

    static void Step(BenchCnn model, Repro.Torch.Optim.SGD opt, Batch batch, bool dispose = true)
    {
        using var owned = dispose ? batch : null;
        using var scope = NewDisposeScope();
        opt.zero_grad();
        Tensor loss = nn.functional.cross_entropy(model.forward(batch.Inputs), batch.Labels);
        loss.backward();
        opt.step();
        _ = loss.item();
    }

}
