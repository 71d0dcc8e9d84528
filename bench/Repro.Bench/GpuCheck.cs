using System.Diagnostics;
using System.Globalization;
using Repro.Experiments;
using Repro.Harness;
using Repro.Models;
using Repro.Torch;
using static Repro.Torch.torch;

using Repro.Training;

namespace Repro.Bench;

/// <summary>
/// The device check (bench/gpu/run.sh runs it on a GPU machine, published with its own .NET
/// runtime): the binding's CUDA paths, checked on the GPU against the CPU; WRN-28-10 training steps
/// per second in C# against PyTorch on the same GPU (C# time / PyTorch time, target &lt;= 1.05); and
/// one smoke cell of each model experiment on CUDA. Every line it prints is a result or the reason
/// there is none. Without a GPU it stops with one line; `--device cpu` runs every check but the
/// benchmark on the CPU, to try the check itself on a machine without one.
/// Run: Repro.Bench gpu [--device cuda|cpu] [--steps 10] [--rounds 5] [--warmup 3]
/// </summary>
static class GpuCheck
{
    const double Target = 1.05;

    public static int Run(string[] args)
    {
        string deviceName = BenchArgs.Text(args, "--device") ?? "cuda";
        int steps = BenchArgs.Option(args, "--steps", 10), rounds = BenchArgs.Option(args, "--rounds", 5), warmup = BenchArgs.Option(args, "--warmup", 3);
        var device = Device.Parse(deviceName);
        if (device.Type == DeviceType.CUDA && !cuda.is_available())
        {
            Console.WriteLine($"gpu check: no CUDA GPU here (libtorch {TorchRuntime.Version}, " +
                              (TorchRuntime.CudaBuilt ? "built with CUDA but it sees no GPU" : "built without CUDA") +
                              "): it needs an NVIDIA GPU and a CUDA libtorch; nothing was run (--device cpu tries the checks on the CPU)");
            return 3;
        }
        Console.WriteLine($"gpu check on {device}: libtorch {TorchRuntime.Version}, CUDA runtime {Or(cuda.runtime_version())}, cuDNN {Or(cuda.cudnn_version())}, " +
                          $"driver {Or(CudaDevices.DriverVersion)}");
        foreach (var gpu in CudaDevices.List) Console.WriteLine($"  GPU {gpu.Index}: {CudaDevices.Describe(gpu)}");
        cuda.set_policy(new CudaPolicy());
        Console.WriteLine($"  policy: {cuda.policy()}");

        // Checkpoints and records of the checks go to a folder of their own, removed at the end.
        string scratch = Directory.CreateTempSubdirectory("repro-gpu-check-").FullName;
        Environment.SetEnvironmentVariable("REPRO_RESULTS", Path.Combine(scratch, "results"));
        int failed = 0;
        try
        {
            failed += Check("a training step on the device equals the CPU step (fp32, within 1e-4 relative)", () => StepMatchesCpu(device));
            failed += Check("a native error on the device is a TorchException", () => ErrorsAreExceptions(device));
            failed += Check("pinned, non-blocking host-to-device copies arrive intact", () => PinnedCopies(device));
            failed += Check("a checkpoint of device tensors loads on the CPU and back", () => CheckpointAcrossDevices(device, scratch));
            failed += Check("a resumed cell continues bit for bit (cuDNN deterministic)", () => ResumeIsExact(deviceName, scratch));
            foreach (string name in new[] { "wrn-cifar10", "gru-imdb", "resnet50-imagenet" })
                failed += Check($"{name} smoke cell on {device}", () => SmokeCell(name, deviceName, scratch));
            if (device.Type == DeviceType.CUDA) failed += Benchmark(device, steps, rounds, warmup);
            else Console.WriteLine("benchmark: skipped on the CPU (WRN-28-10 against PyTorch on one GPU is the point)");
        }
        finally
        {
            try { Directory.Delete(scratch, recursive: true); } catch (IOException) { }
        }
        Console.WriteLine(failed == 0 ? "gpu check: all passed" : $"gpu check: {failed} failed");
        return failed == 0 ? 0 : 1;
    }

    static string Or(string value) => value.Length > 0 ? value : "none";

    static int Check(string what, Func<string> check)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            string detail = check();
            Console.WriteLine($"PASS  {what}: {detail} ({clock.Elapsed.TotalSeconds:F1} s)");
            return 0;
        }
        catch (Exception e)
        {
            Console.WriteLine($"FAIL  {what}: {e.GetType().Name}: {e.Message.Split('\n')[0]}");
            return 1;
        }
    }

    static string StepMatchesCpu(Device device)
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(7);
        using var data = new Generator(8);
        Tensor x = randn([32, 3, 32, 32], data), y = randint(0, 10, [32], data);
        using var same = new Generator(7);
        using var onCpu = new BenchCnn(g);
        using var onDevice = new BenchCnn(same);
        onDevice.to(device);
        double cpuLoss = Step(onCpu, x, y), deviceLoss = Step(onDevice, x.to(device), y.to(device));
        double worst = 0;
        var cpuParameters = onCpu.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, p) in onDevice.named_parameters())
        {
            Tensor reference = cpuParameters[name];
            double scale = Math.Max(reference.abs().max().item(), 1e-12);
            worst = Math.Max(worst, (p.cpu() - reference).abs().max().item() / scale);
        }
        double lossError = Math.Abs(deviceLoss - cpuLoss) / Math.Abs(cpuLoss);
        if (lossError > 1e-4 || worst > 1e-4)
            throw new InvalidOperationException($"loss {deviceLoss:R} vs CPU {cpuLoss:R}, worst parameter off by {worst:E2} relative");
        return string.Create(CultureInfo.InvariantCulture, $"loss {deviceLoss:F6} vs {cpuLoss:F6}, parameters within {worst:E1}");
    }

    static double Step(BenchCnn model, Tensor x, Tensor y)
    {
        using var opt = optim.SGD(model.parameters(), lr: 0.1, momentum: 0.9);
        opt.zero_grad();
        Tensor loss = nn.functional.cross_entropy(model.forward(x), y);
        loss.backward();
        opt.step();
        return loss.item();
    }

    static string ErrorsAreExceptions(Device device)
    {
        using var scope = NewDisposeScope();
        Tensor a = zeros([2, 3], device: device), b = zeros([4, 5], device: device);
        var shape = Expect(() => a.matmul(b));
        string mixed = device.Type == DeviceType.CUDA ? Expect(() => a + zeros([2, 3])) : "(one device only)";
        return $"shapes: \"{shape}\"; devices: \"{mixed}\"";
    }

    static string Expect(Func<Tensor> bad)
    {
        try { bad(); }
        catch (TorchException e) { return e.Message.Split('\n')[0]; }
        throw new InvalidOperationException("no TorchException");
    }

    static string PinnedCopies(Device device)
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(3);
        Tensor host = randn([256, 1024], g);
        Tensor moved = device.Type == DeviceType.CUDA ? host.pin_memory().to(device, non_blocking: true) : host.to(device);
        Tensor sum = moved.sum();
        if (device.Type == DeviceType.CUDA) cuda.synchronize(device);
        double error = (moved.cpu() - host).abs().max().item();
        if (error != 0) throw new InvalidOperationException($"the copy differs by {error}");
        return string.Create(CultureInfo.InvariantCulture, $"256x1024 floats, sum {sum.item():F3}");
    }

    static string CheckpointAcrossDevices(Device device, string scratch)
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(5);
        using var model = new BenchCnn(g);
        model.to(device);
        string path = Path.Combine(scratch, "device.safetensors");
        Safetensors.Save(path, model.state_dict());
        var loaded = Safetensors.Load(path);
        foreach (var (name, t) in model.state_dict())
        {
            if (loaded[name].device.Type != DeviceType.CPU) throw new InvalidOperationException($"{name} loaded on {loaded[name].device}");
            if ((loaded[name].to(device) - t).abs().max().item() != 0) throw new InvalidOperationException($"{name} changed on the way");
        }
        using var other = new Generator(6);
        using var back = new BenchCnn(other);
        back.to(device);
        back.load_state_dict(loaded);
        return $"{loaded.Count} tensors equal after {device} -> file -> cpu -> {device}";
    }

    /// <summary>A recipe runs on cpu or cuda; which GPU is CUDA_VISIBLE_DEVICES's choice.</summary>
    static string RecipeDevice(string device) => Device.Parse(device).Type == DeviceType.CUDA ? "cuda" : "cpu";

    static string ResumeIsExact(string device, string scratch)
    {
        // The WRN smoke cell with a checkpoint every 10 of its 30 steps: once straight through, once
        // stopped after step 15 (a checkpoint at the stop) and resumed.
        var experiment = Catalog.Find("wrn-cifar10").WithSettings([$"recipe.device={RecipeDevice(device)}", "recipe.checkpointEvery=10"], Tier.Smoke);
        var cell = experiment.Grid(Tier.Smoke).Cells()[0];
        var straight = new CellRunner(new ResultStore(Path.Combine(scratch, "straight")), _ => { })
            .Run(experiment, Tier.Smoke, cell, out _, reuseAcrossCode: false, force: true);
        var store = new ResultStore(Path.Combine(scratch, "resumed"));
        using (var stop = new CancellationTokenSource())
        {
            try
            {
                new CellRunner(store, _ => { }).Run(experiment, Tier.Smoke, cell, out _, reuseAcrossCode: false, force: true,
                    p => { if (p.Step >= 15) stop.Cancel(); }, stop.Token);
                throw new InvalidOperationException("the run was not stopped");
            }
            catch (OperationCanceledException) { }
        }
        var resumed = new CellRunner(store, _ => { }).Run(experiment, Tier.Smoke, cell, out _, reuseAcrossCode: false);
        foreach (var (name, curve) in straight.Curves)
        {
            if (!resumed.Curves.TryGetValue(name, out var other) || !other.Values.SequenceEqual(curve.Values))
                throw new InvalidOperationException($"curve {name} differs after the resume");
        }
        return $"{straight.Curves.Count} curves identical, final train loss {straight.Curves["train_loss"].Values[^1]:R}";
    }

    static string SmokeCell(string name, string device, string scratch)
    {
        var experiment = Catalog.Find(name).WithSettings([$"recipe.device={RecipeDevice(device)}"], Tier.Smoke);
        var cell = experiment.Grid(Tier.Smoke).Cells()[0];
        var record = new CellRunner(new ResultStore(Path.Combine(scratch, "smoke")), _ => { })
            .Run(experiment, Tier.Smoke, cell, out _, reuseAcrossCode: false, force: true);
        if (record.Status != RunStatus.Complete) throw new InvalidOperationException($"{cell.Id}: {record.Status} {record.Error}");
        string gpu = record.Environment.Gpu.Name.Length > 0 ? $", recorded GPU \"{record.Environment.Gpu.Name}\"" : "";
        return string.Create(CultureInfo.InvariantCulture,
            $"{cell.Id}: test accuracy {(record.Curves.TryGetValue("test_accuracy", out var test) ? test.Values[^1] : double.NaN):F3}{gpu}");
    }

    /// <summary>WRN-28-10 at batch 128 on 3x32x32: alternating rounds of C# and PyTorch steps on one
    /// fixed batch; the ratio is the median over rounds of C# step time / PyTorch step time.</summary>
    static int Benchmark(Device device, int steps, int rounds, int warmup)
    {
        string script = Path.Combine(AppContext.BaseDirectory, "python", "models_reference.py");
        using var g = new Generator(0);
        using var trainer = new BenchTrainer(new WideResNet(28, 10, 0, batchNorm: true, classes: 10, g, inputChannels: 3).To(device),
            randn([128, 3, 32, 32], g).to(device), randint(0, 10, [128], g).to(device));
        PythonServer python;
        try { python = new PythonServer(script, warmup, TorchRuntime.Threads, tunables: null, device: "cuda"); }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            Console.WriteLine($"FAIL  benchmark: could not start {PythonServer.Python} (set REPRO_PYTHON to the python of the CUDA torch): {e.Message}");
            return 1;
        }
        using (python)
        {
            trainer.Run(warmup);
            var ratios = new List<double>();
            var (ours, theirs) = (new List<double>(), new List<double>());
            for (int round = 0; round < rounds; round++)
            {
                double c = BenchArgs.Median(trainer.Run(steps)), p = BenchArgs.Median(python.Run("wrn-28-10", steps));
                ours.Add(c);
                theirs.Add(p);
                ratios.Add(c / p);
                Console.Error.WriteLine($"  wrn-28-10 round {round + 1}: C# {c:F1} ms, PyTorch {p:F1} ms");
            }
            double ratio = BenchArgs.Median(ratios);
            bool ok = ratio <= Target;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{(ok ? "PASS" : "FAIL")}  benchmark wrn-28-10 batch 128 on {device}: C# {1000 / BenchArgs.Median(ours):F2} steps/s, " +
                $"PyTorch {1000 / BenchArgs.Median(theirs):F2} steps/s, C#/PyTorch time {ratio:F3} (median of {rounds} rounds of {steps}; target <= {Target})"));
            return ok ? 0 : 1;
        }
    }

    static WideResNet To(this WideResNet model, Device device)
    {
        model.to(device);
        return model;
    }
}
