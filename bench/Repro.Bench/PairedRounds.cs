using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Repro.Torch;
using Repro.Torch.Modules;
using static Repro.Torch.torch;

namespace Repro.Bench;

/// <summary>One model, its fixed batch and its SGD optimizer, kept warm between rounds.</summary>
sealed class BenchTrainer(Module<Tensor, Tensor> model, Tensor x, Tensor y) : IDisposable
{
    readonly Repro.Torch.Optim.SGD opt = optim.SGD(model.parameters(), lr: 0.05, momentum: 0.9);

    /// <summary>Milliseconds of each of <paramref name="steps"/> training steps.</summary>
    public List<double> Run(int steps)
    {
        var times = new List<double>(steps);
        for (int step = 0; step < steps; step++)
        {
            var sw = Stopwatch.StartNew();
            using (NewDisposeScope())
            {
                opt.zero_grad();
                Tensor loss = nn.functional.cross_entropy(model.forward(x), y);
                loss.backward();
                opt.step();
                _ = loss.item();
            }
            times.Add(sw.Elapsed.TotalMilliseconds);
        }
        return times;
    }

    public void Dispose()
    {
        opt.Dispose();
        model.Dispose();
        x.Dispose();
        y.Dispose();
    }
}

/// <summary>
/// A PyTorch reference script run as a server, so that it stays warm between rounds: it is started
/// as <c>script warmup threads</c>, reads "&lt;model&gt; &lt;steps&gt;" lines and answers each with one
/// JSON line {"model", "threads", "ms": [per-step times], ...}; the first request for a model
/// also runs <c>warmup</c> untimed steps.
/// </summary>
sealed class PythonServer : IDisposable
{
    /// <summary>Debian's python3 (with python3-torch, the libtorch the binding uses here), or
    /// REPRO_PYTHON: the python whose torch a GPU machine's shim was built against.</summary>
    public static string Python => Environment.GetEnvironmentVariable("REPRO_PYTHON") is { Length: > 0 } p ? p : "/usr/bin/python3";
    // The binding's mallopt(M_MMAP_THRESHOLD, 32 MiB) and mallopt(M_TRIM_THRESHOLD, 1 GiB), for
    // PyTorch through glibc's tunables: the fair anchor for the binding's own overhead.
    public const string SameMalloc = "glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=1073741824";

    readonly Process process;
    readonly int threads;

    public PythonServer(string script, int warmup, int threads, string? tunables, string device = "cpu")
    {
        this.threads = threads;
        var info = new ProcessStartInfo(Python)
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = false,
        };
        foreach (var a in new[] { script, warmup.ToString(CultureInfo.InvariantCulture), threads.ToString(CultureInfo.InvariantCulture), device })
            info.ArgumentList.Add(a);
        if (tunables is null) info.Environment.Remove("GLIBC_TUNABLES");
        else info.Environment["GLIBC_TUNABLES"] = tunables;
        process = Process.Start(info)!;
    }

    public List<double> Run(string model, int steps)
    {
        process.StandardInput.WriteLine($"{model} {steps}");
        process.StandardInput.Flush();
        string? line = process.StandardOutput.ReadLine()
            ?? throw new InvalidOperationException($"the PyTorch reference exited ({Python} {process.StartInfo.ArgumentList[0]}); its error is above");
        using var doc = JsonDocument.Parse(line);
        int pyThreads = doc.RootElement.GetProperty("threads").GetInt32();
        if (pyThreads != threads) throw new InvalidOperationException($"PyTorch ran with {pyThreads} threads, C# with {threads}");
        return doc.RootElement.GetProperty("ms").EnumerateArray().Select(e => e.GetDouble()).ToList();
    }

    public void Dispose()
    {
        try { process.StandardInput.Close(); if (!process.WaitForExit(10_000)) process.Kill(); }
        finally { process.Dispose(); }
    }
}

/// <summary>
/// The benchmarks' sampling: alternating short rounds of C#, PyTorch as shipped and PyTorch with
/// the binding's malloc, so that a slow spell of the machine hits all three alike.
/// </summary>
static class PairedRounds
{
    /// <summary>Every step time of each side, and each round's median step times (C#, stock, same).</summary>
    public sealed record Times(List<double> CSharp, List<double> Stock, List<double> Same, List<(double CSharp, double Stock, double Same)> Rounds)
    {
        /// <summary>Median over rounds of a per-round ratio.</summary>
        public double MedianOf(Func<(double CSharp, double Stock, double Same), double> ratio) => BenchArgs.Median(Rounds.Select(ratio));
    }

    public static Times Measure(BenchTrainer trainer, PythonServer stock, PythonServer same, string model, int steps, int rounds,
        Action<int, (double CSharp, double Stock, double Same)>? onRound = null)
    {
        var times = new Times([], [], [], []);
        for (int round = 0; round < rounds; round++)
        {
            var c = trainer.Run(steps);
            var p = stock.Run(model, steps);
            var q = same.Run(model, steps);
            times.CSharp.AddRange(c); times.Stock.AddRange(p); times.Same.AddRange(q);
            var medians = (BenchArgs.Median(c), BenchArgs.Median(p), BenchArgs.Median(q));
            times.Rounds.Add(medians);
            onRound?.Invoke(round, medians);
        }
        return times;
    }
}
