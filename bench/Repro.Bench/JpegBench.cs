using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Repro.Data;

namespace Repro.Bench;

/// <summary>
/// Does calling TurboJPEG from C# cost decoding speed? Decodes skimage's sample JPEGs with
/// <see cref="Jpeg.Decode(ReadOnlySpan{byte}, string, ref byte[])"/> into a buffer reused per
/// thread (what the ImageNet loader does) and with libjpeg-turbo's own tjbench on the same files:
/// RGB output, accurate IDCT, smooth upsampling, a reused output buffer on both sides (tjbench
/// -rgb -accuratedct). Prints images/s of each and the ratio ours / tjbench (target >= 0.9), on
/// 1 thread against one tjbench and on 2 threads against two tjbench processes running at once.
/// Also shown: decoding into a fresh array per image (Jpeg.Decode without a buffer), whose cost
/// is the .NET large-object heap's, not TurboJPEG's.
/// These machines drift by 10-20% over seconds, so the sides alternate in short rounds and each
/// ratio is the median of per-round ratios.
/// Run: bash bench/jpeg_bench.sh  (about 90 s on 2 cores)
/// </summary>
static class JpegBench
{
    const string Tjbench = "/usr/bin/tjbench";
    const double Target = 0.9;
    const double WarmupSeconds = 0.5, BenchSeconds = 1.0;

    public static int Run(string[] args)
    {
        int rounds = BenchArgs.Option(args, "--rounds", 3);
        if (!File.Exists(Tjbench))
        {
            Console.Error.WriteLine($"{Tjbench} not found: apt-get install libjpeg-turbo-progs (bench/jpeg_bench.sh does)");
            return 1;
        }
        string samples = PackageData.JpegSamples(Console.Error.WriteLine);
        var images = new List<(string name, byte[] bytes, RgbImage image)>();
        foreach (string path in Directory.GetFiles(samples, "*.jpg").Order(StringComparer.Ordinal))
        {
            byte[] bytes = File.ReadAllBytes(path);
            try
            {
                images.Add((Path.GetFileName(path), bytes, Jpeg.Decode(bytes, path)));
            }
            catch (DataFormatException e)
            {
                Console.WriteLine($"left out {e.Message}");
            }
        }
        Console.WriteLine($"{images.Count} JPEGs from {samples}; {rounds} rounds of {BenchSeconds:F1} s per side (+{WarmupSeconds:F1} s warm-up), alternating");

        using var work = new TempDirectory();
        var rows = new List<string>();
        bool ok = true;
        foreach (int threads in new[] { 1, 2 })
        {
            var (ours, theirs, fresh, ratios, freshRatios) = (new List<double>(), new List<double>(), new List<double>(), new List<double>(), new List<double>());
            foreach (var (name, bytes, image) in images)
            {
                string copy = Path.Combine(work.Path, name);
                File.WriteAllBytes(copy, bytes);
                var (o, t, f, r, rf) = (new List<double>(), new List<double>(), new List<double>(), new List<double>(), new List<double>());
                for (int round = 0; round < rounds; round++)
                {
                    t.Add(TjbenchImagesPerSecond(copy, threads, work.Path));
                    o.Add(OurImagesPerSecond(bytes, name, threads, reuseBuffer: true));
                    f.Add(OurImagesPerSecond(bytes, name, threads, reuseBuffer: false));
                    r.Add(o[^1] / t[^1]);
                    rf.Add(f[^1] / t[^1]);
                }
                ours.Add(BenchArgs.Median(o));
                theirs.Add(BenchArgs.Median(t));
                fresh.Add(BenchArgs.Median(f));
                rows.Add(Row(threads, $"{name} ({image.Width} x {image.Height})", ours[^1], theirs[^1], BenchArgs.Median(r), fresh[^1], BenchArgs.Median(rf), image.Width * image.Height));
                Console.Error.WriteLine($"  {name}, {threads} thread{(threads > 1 ? "s" : "")} done");
            }
            // The set: images/s when decoding each image once in turn (harmonic mean of images/s).
            double Set(List<double> rates) => images.Count / rates.Sum(x => 1 / x);
            double setRatio = Set(ours) / Set(theirs);
            ok &= setRatio >= Target;
            rows.Add(Row(threads, "all, each once", Set(ours), Set(theirs), setRatio, Set(fresh), Set(fresh) / Set(theirs), pixels: null)
                + (setRatio >= Target ? "  ok" : "  MISSED"));
        }

        Console.WriteLine();
        Console.WriteLine($"{"threads",7}  {"image",-34} {"ours img/s",11} {"tjbench img/s",14} {"ours/tjbench",13} {"ours Mpx/s",11} {"new-array img/s",16} {"new/tjbench",12}");
        rows.ForEach(Console.WriteLine);
        Console.WriteLine("ours: Jpeg.Decode into a buffer reused per thread; new-array: a fresh array per image.");
        Console.WriteLine("2 threads: ours on 2 threads against 2 tjbench processes at once (the sum of their rates).");
        Console.WriteLine("Per-image ratios are medians of per-round ratios; the set's rates are harmonic means of the per-image medians.");
        Console.WriteLine($"target: ours/tjbench >= {Target} for the set, on 1 and 2 threads.");
        return ok ? 0 : 1;
    }

    static string Row(int threads, string label, double ours, double theirs, double ratio, double fresh, double freshRatio, long? pixels) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{threads,7}  {label,-34} {ours,11:F1} {theirs,14:F1} {ratio,13:F3} {(pixels is { } p ? (ours * p / 1e6).ToString("F1", CultureInfo.InvariantCulture) : ""),11} {fresh,16:F1} {freshRatio,12:F3}");

    /// <summary>Decodes on <paramref name="threads"/> threads for BenchSeconds each (after a
    /// warm-up that also compiles the hot path); total decodes per second.</summary>
    static double OurImagesPerSecond(byte[] jpeg, string name, int threads, bool reuseBuffer)
    {
        var rates = new double[threads];
        using var start = new Barrier(threads);
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            byte[]? buffer = null;
            Loop(WarmupSeconds, ref buffer);
            start.SignalAndWait();
            var (count, seconds) = Loop(BenchSeconds, ref buffer);
            rates[t] = count / seconds;
        })).ToArray();
        foreach (var w in workers) w.Start();
        foreach (var w in workers) w.Join();
        return rates.Sum();

        (int count, double seconds) Loop(double duration, ref byte[]? buffer)
        {
            var sw = Stopwatch.StartNew();
            int count = 0;
            while (sw.Elapsed.TotalSeconds < duration)
            {
                _ = reuseBuffer ? Jpeg.Decode(jpeg, name, ref buffer) : Jpeg.Decode(jpeg, name);
                count++;
            }
            return (count, sw.Elapsed.TotalSeconds);
        }
    }

    static readonly Regex FrameRate = new(@"Decompress\s+--> Frame rate:\s+([0-9.]+) fps", RegexOptions.Compiled);

    /// <summary>tjbench's decompression frame rate for <paramref name="file"/>, summed over
    /// <paramref name="copies"/> processes run at once.</summary>
    static double TjbenchImagesPerSecond(string file, int copies, string directory)
    {
        var processes = Enumerable.Range(0, copies).Select(_ =>
        {
            var info = new ProcessStartInfo(Tjbench) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (string a in new[] { file, "-rgb", "-accuratedct", "-nowrite",
                         "-warmup", WarmupSeconds.ToString(CultureInfo.InvariantCulture), "-benchtime", BenchSeconds.ToString(CultureInfo.InvariantCulture) })
                info.ArgumentList.Add(a);
            return Process.Start(info)!;
        }).ToList();
        double total = 0;
        foreach (var p in processes)
        {
            using (p)
            {
                var stderr = p.StandardError.ReadToEndAsync();
                string output = p.StandardOutput.ReadToEnd();
                p.WaitForExit();
                var m = FrameRate.Match(output);
                if (p.ExitCode != 0 || !m.Success)
                    throw new InvalidOperationException($"tjbench {file} failed (exit {p.ExitCode}):\n{output}{stderr.Result}");
                total += double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            }
        }
        return total;
    }

    sealed class TempDirectory : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("repro-jpeg-bench-").FullName;
        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
