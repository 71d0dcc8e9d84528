using Repro.Torch.PInvoke;

namespace Repro.Torch;

/// <summary>
/// Facts about the libtorch this process runs on, for `repro doctor` and for run records.
/// </summary>
public static unsafe class TorchRuntime
{
    /// <summary>libtorch's version, e.g. "1.13.1" (the shim's compile-time TORCH_VERSION).</summary>
    public static string Version => Native.ReadString(&Native.RT_version);

    /// <summary>libtorch's build configuration (compiler, BLAS, CUDA, CPU capability).</summary>
    public static string BuildConfig => Native.ReadString(&Native.RT_config);

    /// <summary>libtorch's intra-op thread pool size and parallel backend.</summary>
    public static string ParallelInfo => Native.ReadString(&Native.RT_parallel_info);

    public static int Threads => Native.RT_num_threads();

    /// <summary>The thread count the process started with: REPRO_THREADS, else every core.</summary>
    public static int DefaultThreads => NativeLoader.RequestedThreads(Environment.GetEnvironmentVariable("REPRO_THREADS"));

    /// <summary>Resizes libtorch's intra-op pool. A reduction's round-off depends on how many
    /// threads split it, so results that must agree bit for bit across machines fix this.</summary>
    public static void SetThreads(int threads)
    {
        if (threads < 1) throw new ArgumentOutOfRangeException(nameof(threads), threads, "at least one thread");
        if (Native.RT_set_num_threads(threads) != 0) throw new TorchException("set_num_threads failed: " + Native.LastError());
    }

    public static bool CudaAvailable => torch.cuda.is_available();

    /// <summary>Whether this libtorch was built with CUDA support (a GPU may still be absent).</summary>
    public static bool CudaBuilt => BuildConfig.Contains("USE_CUDA=ON", StringComparison.Ordinal) ||
                                    BuildConfig.Contains("CUDA Runtime", StringComparison.Ordinal);

    /// <summary>The BLAS library actually mapped into this process (the Debian alternative in
    /// force, e.g. OpenBLAS with OpenMP, or the slow reference BLAS), or "unknown".</summary>
    public static string Blas
    {
        get
        {
            _ = Threads; // make sure libtorch, and with it the BLAS, is loaded
            try
            {
                string? mapped = File.ReadLines("/proc/self/maps")
                    .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                    .Where(f => f.Length >= 6 && f[5].Contains("blas", StringComparison.OrdinalIgnoreCase))
                    .Select(f => f[5])
                    .FirstOrDefault();
                if (mapped is null) return "unknown (no BLAS library mapped; libtorch may use MKL or its own kernels)";
                string kind = mapped.Contains("openblas-openmp") ? "OpenBLAS (OpenMP)"
                    : mapped.Contains("openblas-pthread") ? "OpenBLAS (pthreads)"
                    : mapped.Contains("openblas") ? "OpenBLAS"
                    : mapped.Contains("/blas/") ? "reference BLAS (slow: apt-get install libopenblas0-openmp)"
                    : "other";
                return $"{kind}: {mapped}";
            }
            catch (IOException)
            {
                return "unknown (/proc/self/maps not readable)";
            }
        }
    }

    /// <summary>OpenBLAS's kernel choice as forced by OPENBLAS_CORETYPE, or "auto".</summary>
    public static string OpenBlasCoreType =>
        Environment.GetEnvironmentVariable("OPENBLAS_CORETYPE") is { Length: > 0 } v ? v : "auto";
}
