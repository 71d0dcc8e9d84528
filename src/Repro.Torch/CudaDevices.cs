using System.Runtime.InteropServices;

namespace Repro.Torch;

/// <summary>One GPU as the CUDA driver sees it (respecting CUDA_VISIBLE_DEVICES, like libtorch).</summary>
public sealed record Gpu(int Index, string Name, long MemoryBytes);

/// <summary>
/// The GPUs and the NVIDIA driver, read from the driver's own libraries (libcuda, libnvidia-ml)
/// loaded at run time: libtorch's C++ API has no device names without the CUDA headers, and the
/// shim is built without them so that one source serves CPU and CUDA libtorch. On a machine
/// without the driver, <see cref="List"/> is empty and <see cref="DriverVersion"/> is "".
/// </summary>
public static unsafe class CudaDevices
{
    static readonly Lazy<IReadOnlyList<Gpu>> gpus = new(ReadGpus);
    static readonly Lazy<string> driver = new(ReadDriverVersion);

    public static IReadOnlyList<Gpu> List => gpus.Value;

    /// <summary>The NVIDIA driver's version, e.g. "550.54.15" (the CUDA driver API's, e.g. "CUDA
    /// 12.4", when NVML is absent); "" without a driver.</summary>
    public static string DriverVersion => driver.Value;

    static IReadOnlyList<Gpu> ReadGpus()
    {
        if (!NativeLibrary.TryLoad("libcuda.so.1", out IntPtr lib)) return [];
        var init = (delegate* unmanaged<uint, int>)Export(lib, "cuInit");
        var count = (delegate* unmanaged<int*, int>)Export(lib, "cuDeviceGetCount");
        var get = (delegate* unmanaged<int*, int, int>)Export(lib, "cuDeviceGet");
        var name = (delegate* unmanaged<byte*, int, int, int>)Export(lib, "cuDeviceGetName");
        var memory = (delegate* unmanaged<nuint*, int, int>)Export(lib, "cuDeviceTotalMem_v2");
        if (init == null || count == null || get == null || name == null || memory == null || init(0) != 0) return [];
        int n;
        if (count(&n) != 0) return [];
        var list = new List<Gpu>();
        byte* buffer = stackalloc byte[256];
        for (int i = 0; i < n; i++)
        {
            int device;
            nuint bytes;
            if (get(&device, i) != 0 || name(buffer, 256, device) != 0 || memory(&bytes, device) != 0) continue;
            list.Add(new Gpu(i, Marshal.PtrToStringUTF8((IntPtr)buffer) ?? "", (long)bytes));
        }
        return list;
    }

    static string ReadDriverVersion()
    {
        if (NativeLibrary.TryLoad("libnvidia-ml.so.1", out IntPtr nvml))
        {
            var init = (delegate* unmanaged<int>)Export(nvml, "nvmlInit_v2");
            var version = (delegate* unmanaged<byte*, uint, int>)Export(nvml, "nvmlSystemGetDriverVersion");
            byte* buffer = stackalloc byte[96];
            if (init != null && version != null && init() == 0 && version(buffer, 96) == 0)
                return Marshal.PtrToStringUTF8((IntPtr)buffer) ?? "";
        }
        if (NativeLibrary.TryLoad("libcuda.so.1", out IntPtr cuda))
        {
            var version = (delegate* unmanaged<int*, int>)Export(cuda, "cuDriverGetVersion");
            int v;
            if (version != null && version(&v) == 0) return $"CUDA {v / 1000}.{v % 1000 / 10}";
        }
        return "";
    }

    static IntPtr Export(IntPtr lib, string name) => NativeLibrary.TryGetExport(lib, name, out IntPtr f) ? f : IntPtr.Zero;

    /// <summary>"NVIDIA H100 80GB HBM3, 79.6 GiB" for doctor and run records.</summary>
    public static string Describe(Gpu gpu) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{gpu.Name}, {gpu.MemoryBytes / (double)(1L << 30):0.0} GiB");
}
