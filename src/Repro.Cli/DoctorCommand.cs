using System.CommandLine;
using System.Runtime.InteropServices;
using Repro.Torch;

namespace Repro.Cli;

/// <summary>`repro doctor`: what this machine gives a run (libtorch, BLAS, threads, CUDA).</summary>
public static class DoctorCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("doctor", "Print libtorch's version, the BLAS in use, threads, CUDA and the GPUs (name, memory, driver, CUDA and cuDNN versions).");
        command.SetAction(_ => Run(context.Out, context.Error));
        return command;
    }

    static string Or(string value, string otherwise) => value.Length > 0 ? value : otherwise;

    public static int Run(TextWriter output, TextWriter errors)
    {
        try
        {
            var rows = new List<(string, string)>
            {
                ("libtorch", TorchRuntime.Version),
                ("BLAS", TorchRuntime.Blas),
                ("OPENBLAS_CORETYPE", TorchRuntime.OpenBlasCoreType),
                ("threads", $"{TorchRuntime.Threads} (cores: {Environment.ProcessorCount}; REPRO_THREADS={Environment.GetEnvironmentVariable("REPRO_THREADS") ?? "unset"})"),
                ("CUDA", TorchRuntime.CudaAvailable
                    ? $"available, {torch.cuda.device_count()} device(s); runtime {torch.cuda.runtime_version()}, cuDNN {Or(torch.cuda.cudnn_version(), "absent")}"
                    : TorchRuntime.CudaBuilt ? "built in, but no GPU visible" : "not available (CPU libtorch; set LIBTORCH to a CUDA libtorch for GPU runs)"),
            };
            // The driver's view: it lists a GPU that libtorch cannot use (a CPU libtorch, a driver
            // older than libtorch's CUDA), which is the first thing to know when CUDA says no.
            string driver = CudaDevices.DriverVersion;
            if (driver.Length > 0) rows.Add(("NVIDIA driver", driver));
            foreach (var gpu in CudaDevices.List) rows.Add(($"GPU {gpu.Index}", CudaDevices.Describe(gpu)));
            if (Environment.GetEnvironmentVariable("CUDA_VISIBLE_DEVICES") is { } visible) rows.Add(("CUDA_VISIBLE_DEVICES", visible));
            rows.Add((".NET", RuntimeInformation.FrameworkDescription));
            rows.Add(("OS", RuntimeInformation.OSDescription));
            rows.Add(("CPU", Repro.Harness.EnvironmentInfo.CpuModel()));
            int width = rows.Max(r => r.Item1.Length);
            foreach (var (key, value) in rows) output.WriteLine($"{key.PadRight(width)}  {value}");
            return 0;
        }
        catch (TorchException e)
        {
            errors.WriteLine($"repro doctor: {e.Message}");
            return 1;
        }
    }
}
