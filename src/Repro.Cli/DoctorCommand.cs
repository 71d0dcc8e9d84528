using System.CommandLine;
using System.Runtime.InteropServices;
using Repro.Torch;

namespace Repro.Cli;

/// <summary>`repro doctor`: what this machine gives a run (libtorch, BLAS, threads, CUDA).</summary>
public static class DoctorCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("doctor", "Print libtorch's version, the BLAS in use, threads and CUDA availability.");
        command.SetAction(_ => Run(context.Out, context.Error));
        return command;
    }

    public static int Run(TextWriter output, TextWriter errors)
    {
        try
        {
            var rows = new (string, string)[]
            {
                ("libtorch", TorchRuntime.Version),
                ("BLAS", TorchRuntime.Blas),
                ("OPENBLAS_CORETYPE", TorchRuntime.OpenBlasCoreType),
                ("threads", $"{TorchRuntime.Threads} (cores: {Environment.ProcessorCount}; REPRO_THREADS={Environment.GetEnvironmentVariable("REPRO_THREADS") ?? "unset"})"),
                ("CUDA", TorchRuntime.CudaAvailable
                    ? $"available, {torch.cuda.device_count()} device(s)"
                    : TorchRuntime.CudaBuilt ? "built in, but no GPU visible" : "not available (CPU libtorch; set LIBTORCH to a CUDA libtorch for GPU runs)"),
                (".NET", RuntimeInformation.FrameworkDescription),
                ("OS", RuntimeInformation.OSDescription),
                ("CPU", Repro.Harness.EnvironmentInfo.CpuModel()),
            };
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
