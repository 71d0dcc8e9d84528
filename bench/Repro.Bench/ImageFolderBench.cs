using System.Diagnostics;
using Repro.Data;
using Repro.Torch;

namespace Repro.Bench;

/// <summary>
/// What does the ImageNet loader cost beyond its per-image work? Builds an ImageNet-like folder
/// (500 x 375 crops of skimage's sample JPEGs re-encoded by libjpeg-turbo's cjpeg at quality 90
/// with 4:2:0 chroma: ImageNet's typical size and format), then on every core measures images/s
/// of: the per-image work alone (the anchor: decode, random resized crop to 224, flip, normalize
/// into one reused array, through ImageFolder.ForEachDecoded), ImageFolderBatches (the same plus
/// the random draws, labels and the [256, 3, 224, 224] tensor; target >= 0.85 of the anchor) and
/// the evaluation batches (resize 256, center crop 224). Decoding alone is shown beside them: on
/// ImageNet-sized images the crop costs as much as the decoding, or more. The sides alternate in
/// rounds; each ratio is the median of per-round ratios.
/// Run: bash bench/imagefolder_bench.sh  (about a minute on 2 cores)
/// </summary>
static class ImageFolderBench
{
    const string Cjpeg = "/usr/bin/cjpeg";
    const int Batch = 256, Classes = 8, PerClass = 128, Distinct = 24;
    const double Target = 0.85;

    public static int Run(string[] args)
    {
        int batches = BenchArgs.Option(args, "--batches", 3);
        int rounds = BenchArgs.Option(args, "--rounds", 3);
        if (!File.Exists(Cjpeg))
        {
            Console.Error.WriteLine($"{Cjpeg} not found: apt-get install libjpeg-turbo-progs (bench/imagefolder_bench.sh does)");
            return 1;
        }
        using var work = new TempDirectory();
        var folder = BuildFolder(work.Path);
        int threads = Environment.ProcessorCount;
        Console.WriteLine($"{folder.Count} JPEGs of 500 x 375 ({Distinct} distinct) in {Classes} classes; batch {Batch}, {threads} decoding threads, " +
                          $"libtorch {TorchRuntime.Version} with {TorchRuntime.Threads} threads; {rounds} rounds of {batches} batches");

        int images = batches * Batch;
        const int U = ImageTransforms.UniformsPerImage, Pixels = 3 * 224 * 224;
        var random = new Random(1);
        var uniforms = Enumerable.Range(0, Batch * U).Select(_ => random.NextDouble()).ToArray();
        var floats = new float[Batch * Pixels];
        double PerImage(bool transform)
        {
            var sw = Stopwatch.StartNew();
            for (int b = 0; b < batches; b++)
                folder.ForEachDecoded(Enumerable.Range(b * Batch % folder.Count, Batch).ToArray(), (image, i) =>
                {
                    if (transform)
                        ImageTransforms.Normalize(ImageTransforms.Training(image, uniforms.AsSpan(i * U, U)), floats.AsSpan(i * Pixels, Pixels), Normalization.ImageNet);
                }, threads);
            return images / sw.Elapsed.TotalSeconds;
        }
        double Train()
        {
            using var stream = new ImageFolderBatches(folder, Batch, seed: 1, Normalization.ImageNet, background: false, threads: threads);
            stream.Next().Dispose();  // draws epoch 0's order
            var sw = Stopwatch.StartNew();
            for (int b = 0; b < batches; b++) stream.Next().Dispose();
            return images / sw.Elapsed.TotalSeconds;
        }
        double Evaluate()
        {
            var sw = Stopwatch.StartNew();
            long seen = 0;
            foreach (var batch in ImageFolderBatches.InOrder(folder, Batch, Normalization.ImageNet).Take(batches))
                using (batch) seen += batch.Labels.shape[0];
            return seen / sw.Elapsed.TotalSeconds;
        }

        // Warm-up: the JIT's optimized tiers, the page cache, each thread's buffers.
        for (int i = 0; i < 2; i++)
        {
            PerImage(transform: true);
            Evaluate();
        }
        var (decode, anchor, train, evaluate) = (new List<double>(), new List<double>(), new List<double>(), new List<double>());
        var (decodeRatios, trainRatios, evaluateRatios) = (new List<double>(), new List<double>(), new List<double>());
        for (int round = 0; round < rounds; round++)
        {
            anchor.Add(PerImage(transform: true));
            train.Add(Train());
            evaluate.Add(Evaluate());
            decode.Add(PerImage(transform: false));
            trainRatios.Add(train[^1] / anchor[^1]);
            evaluateRatios.Add(evaluate[^1] / anchor[^1]);
            decodeRatios.Add(decode[^1] / anchor[^1]);
        }
        double trainRatio = BenchArgs.Median(trainRatios);
        Console.WriteLine();
        Console.WriteLine($"{"",-44} {"images/s",9} {"vs anchor",10}");
        Console.WriteLine($"{"per-image work: decode, crop, flip, normalize",-44} {BenchArgs.Median(anchor),9:F0} {"1.00",10} (anchor)");
        Console.WriteLine($"{"training batches (ImageFolderBatches)",-44} {BenchArgs.Median(train),9:F0} {trainRatio,10:F2}");
        Console.WriteLine($"{"evaluation batches (InOrder)",-44} {BenchArgs.Median(evaluate),9:F0} {BenchArgs.Median(evaluateRatios),10:F2}");
        Console.WriteLine($"{"decoding alone",-44} {BenchArgs.Median(decode),9:F0} {BenchArgs.Median(decodeRatios),10:F2}");
        Console.WriteLine();
        Console.WriteLine($"training batches / per-image work: {trainRatio:F2} (target >= {Target}) {(trainRatio >= Target ? "ok" : "BELOW TARGET")}");
        return trainRatio >= Target ? 0 : 1;
    }

    /// <summary>Crops of the sample JPEGs at random places and scales, 500 x 375, encoded by
    /// cjpeg (4:2:0, as ImageNet's JPEGs mostly are), copied into class folders.</summary>
    static ImageFolder BuildFolder(string root)
    {
        string samples = PackageData.JpegSamples(Console.Error.WriteLine);
        var sources = new[] { "rocket.jpg", "hubble_deep_field.jpg", "retina.jpg" }.Select(n => Jpeg.Read(Path.Combine(samples, n))).ToArray();
        var random = new Random(0);
        var distinct = new List<string>();
        for (int i = 0; i < Distinct; i++)
        {
            var source = sources[i % sources.Length];
            int height = (int)(source.Height * (0.5 + 0.5 * random.NextDouble())), width = Math.Min(source.Width, height * 4 / 3);
            var box = new CropBox(random.Next(source.Height - height + 1), random.Next(source.Width - width + 1), height, width);
            var image = ImageTransforms.ResizedCrop(source, box, 375, 500);
            string ppm = Path.Combine(root, $"{i}.ppm"), jpeg = Path.Combine(root, $"{i}.JPEG");
            using (var file = File.Create(ppm))
            {
                file.Write(System.Text.Encoding.ASCII.GetBytes($"P6\n{image.Width} {image.Height}\n255\n"));
                file.Write(image.Pixels);
            }
            var cjpeg = Process.Start(new ProcessStartInfo(Cjpeg, ["-quality", "90", "-outfile", jpeg, ppm]))!;
            cjpeg.WaitForExit();
            if (cjpeg.ExitCode != 0) throw new InvalidOperationException($"{Cjpeg} failed on {ppm} (exit {cjpeg.ExitCode})");
            distinct.Add(jpeg);
        }
        for (int c = 0; c < Classes; c++)
        {
            string folder = Path.Combine(root, "train", $"n{c:D8}");
            Directory.CreateDirectory(folder);
            for (int k = 0; k < PerClass; k++) File.Copy(distinct[(c * PerClass + k) % Distinct], Path.Combine(folder, $"n{c:D8}_{k}.JPEG"));
        }
        return new ImageFolder(root, "train");
    }

    sealed class TempDirectory : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("repro-imagefolder-bench-").FullName;
        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
