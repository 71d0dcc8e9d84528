namespace Repro.Torch;

/// <summary>Device kinds; the values are libtorch's c10::DeviceType codes.</summary>
public enum DeviceType
{
    CPU = 0,
    CUDA = 1,
}

/// <summary>Where a tensor lives: "cpu", "cuda" or "cuda:1".</summary>
public readonly record struct Device(DeviceType Type, int Index = -1)
{
    public static readonly Device CPU = new(DeviceType.CPU);
    public static readonly Device CUDA = new(DeviceType.CUDA);

    public static Device Parse(string text)
    {
        string s = text.Trim().ToLowerInvariant();
        if (s == "cpu") return CPU;
        if (s == "cuda") return CUDA;
        if (s.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(s.AsSpan(5), out int i) && i >= 0)
            return new Device(DeviceType.CUDA, i);
        throw new ArgumentException($"unknown device '{text}' (expected cpu, cuda or cuda:<index>)", nameof(text));
    }

    /// <summary>Fails with a message saying what is missing when this device cannot be used here.</summary>
    internal void EnsureAvailable()
    {
        if (Type != DeviceType.CUDA) return;
        int count = torch.cuda.device_count();
        if (count == 0)
            throw new TorchException(
                $"device {this} requested but CUDA is not available: libtorch {TorchRuntime.Version} " +
                (TorchRuntime.CudaBuilt ? "sees no GPU." : "was built without CUDA.") +
                " Set LIBTORCH to a CUDA libtorch (a libtorch zip, or a pip torch package directory) and rebuild.");
        if (Index >= count)
            throw new TorchException($"device {this} requested but only {count} CUDA device(s) are present");
    }

    public override string ToString() =>
        Type == DeviceType.CPU ? "cpu" : Index < 0 ? "cuda" : $"cuda:{Index}";
}
