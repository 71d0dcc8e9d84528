using Repro.Torch;

namespace Repro.Harness;

/// <summary>
/// The GPU a run ran on and the CUDA numerics it ran with, in every run record: on the CPU every
/// field is there and empty (the policy null), so a table of records has the same columns either
/// way. Older records, written before these fields, read back as a CPU run's.
/// </summary>
public sealed record GpuEnvironment
{
    public string Name { get; init; } = "";
    public long MemoryBytes { get; init; }
    public string Driver { get; init; } = "";
    public string Cuda { get; init; } = "";
    public string Cudnn { get; init; } = "";
    public CudaPolicy? Policy { get; init; }

    /// <summary>What a run on <paramref name="device"/> ("cpu", "cuda", "cuda:1") records.</summary>
    public static GpuEnvironment Capture(string device)
    {
        var parsed = Device.Parse(device);
        if (parsed.Type != DeviceType.CUDA) return new();
        return Of(parsed, CudaDevices.List, CudaDevices.DriverVersion, torch.cuda.runtime_version(), torch.cuda.cudnn_version(),
            torch.cuda.policy());
    }

    /// <summary>The record of a run on <paramref name="device"/> given what the machine reports;
    /// a device the driver does not list keeps its name empty rather than borrowing another's.</summary>
    public static GpuEnvironment Of(Device device, IReadOnlyList<Gpu> gpus, string driver, string cuda, string cudnn, CudaPolicy policy)
    {
        if (device.Type != DeviceType.CUDA) return new();
        var gpu = gpus.FirstOrDefault(g => g.Index == Math.Max(0, device.Index));
        return new GpuEnvironment
        {
            Name = gpu?.Name ?? "", MemoryBytes = gpu?.MemoryBytes ?? 0, Driver = driver, Cuda = cuda, Cudnn = cudnn, Policy = policy,
        };
    }
}
