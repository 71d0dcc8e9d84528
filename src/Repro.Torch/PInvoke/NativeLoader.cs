using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Repro.Torch.PInvoke;

/// <summary>
/// Loads librepro_torch.so on first use and sets libtorch up for the process: thread count
/// (all cores, or REPRO_THREADS) and the allocator settings of DESIGN.md (done natively).
/// </summary>
internal static class NativeLoader
{
    internal const string Library = "repro_torch";
    const string FileName = "librepro_torch.so";

    static readonly Lazy<IntPtr> handle = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

#pragma warning disable CA2255 // the resolver must be in place before the first native call of any kind
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Register() => NativeLibrary.SetDllImportResolver(typeof(NativeLoader).Assembly, Resolve);

    static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath) =>
        name == Library ? handle.Value : IntPtr.Zero;

    /// <summary>Threads requested for libtorch's intra-op pool: REPRO_THREADS, else every core.</summary>
    internal static int RequestedThreads(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return Environment.ProcessorCount;
        if (int.TryParse(text, out int n) && n > 0) return n;
        throw new TorchException($"REPRO_THREADS='{text}' is not a positive integer (unset it to use all {Environment.ProcessorCount} cores)");
    }

    static IntPtr Load()
    {
        string path = Path.Combine(AppContext.BaseDirectory, FileName);
        IntPtr lib;
        try
        {
            lib = NativeLibrary.Load(path);
        }
        catch (Exception e) when (e is DllNotFoundException or BadImageFormatException)
        {
            throw new TorchException(
                $"could not load the libtorch shim {path}: {e.Message}. It is built by `dotnet build` of " +
                "src/Repro.Torch; the libtorch it was built against (LIBTORCH, Torch_DIR or Debian's libtorch-dev) must still be installed.", e);
        }

        int threads = RequestedThreads(Environment.GetEnvironmentVariable("REPRO_THREADS"));
        unsafe
        {
            var init = (delegate* unmanaged<int, int>)NativeLibrary.GetExport(lib, "RT_init");
            if (init(threads) != 0)
            {
                var lastError = (delegate* unmanaged<IntPtr>)NativeLibrary.GetExport(lib, "RT_last_error");
                throw new TorchException("libtorch set-up failed: " + Marshal.PtrToStringUTF8(lastError()));
            }
        }
        return lib;
    }
}
