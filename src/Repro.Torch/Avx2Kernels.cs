using System.Runtime.InteropServices;

namespace Repro.Torch;

/// <summary>
/// Float32 training over a few dozen steps amplifies round-off, and round-off depends on which SIMD
/// kernels the libraries pick: OpenBLAS (OPENBLAS_CORETYPE), ATen (ATEN_CPU_CAPABILITY) and oneDNN
/// (ONEDNN_MAX_CPU_ISA) choose AVX-512 kernels where the processor has them and AVX2 ones elsewhere.
/// Measured: every float32 smoke golden accepted on an AVX-512 machine (with OPENBLAS_CORETYPE=Haswell
/// set by its environment) moved by 1e-3 to 6% on an AVX2-only AMD EPYC, and T5's argmin flipped.
/// <see cref="Pin"/> sets all three to AVX2, where the processor has AVX2 and FMA, so that the
/// kernels are the same on every such x86-64 machine. It must run before libtorch loads (the
/// libraries read these once, when they load or first dispatch), and it overrides the user's values:
/// it is for processes whose results are compared with pinned goldens (the smoke tier's tests).
/// </summary>
public static partial class Avx2Kernels
{
    static readonly (string Name, string Value)[] Settings =
        [("OPENBLAS_CORETYPE", "Haswell"), ("ATEN_CPU_CAPABILITY", "avx2"), ("ONEDNN_MAX_CPU_ISA", "AVX2")];

    /// <summary>Pins the kernels; false (and nothing set) on a processor without AVX2 and FMA.</summary>
    public static bool Pin()
    {
        if (!HasAvx2AndFma()) return false;
        foreach (var (name, value) in Settings)
        {
            // The native environment, which the libraries read (Environment.SetEnvironmentVariable
            // changes only .NET's copy on Unix); .NET's copy too, so that run records report it.
            if (setenv(name, value, 1) != 0) throw new InvalidOperationException($"setenv {name}={value} failed");
            Environment.SetEnvironmentVariable(name, value);
        }
        return true;
    }

    static bool HasAvx2AndFma()
    {
        try
        {
            string? flags = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("flags", StringComparison.Ordinal));
            var set = flags?.Split([' ', '\t', ':'], StringSplitOptions.RemoveEmptyEntries).ToHashSet() ?? [];
            return set.Contains("avx2") && set.Contains("fma");
        }
        catch (IOException)
        {
            return false;
        }
    }

    [LibraryImport("libc.so.6", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int setenv(string name, string value, int overwrite);
}
