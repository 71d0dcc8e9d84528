using System.Runtime.InteropServices;

namespace Repro.Torch.PInvoke;

// Declarations of native/runtime.cpp (RT_init is called by NativeLoader directly).
internal static unsafe partial class Native
{
    [LibraryImport(NativeLoader.Library)] internal static partial int RT_num_threads();
    [LibraryImport(NativeLoader.Library)] internal static partial int RT_set_num_threads(int threads);
    [LibraryImport(NativeLoader.Library)] internal static partial int RT_version(byte* buffer, int capacity);
    [LibraryImport(NativeLoader.Library)] internal static partial int RT_config(byte* buffer, int capacity);
    [LibraryImport(NativeLoader.Library)] internal static partial int RT_parallel_info(byte* buffer, int capacity);
    [LibraryImport(NativeLoader.Library)] internal static partial long RT_live_tensors();

    /// <summary>Reads a string from a native function that copies into a buffer and returns its length.</summary>
    internal static string ReadString(delegate*<byte*, int, int> read, [System.Runtime.CompilerServices.CallerMemberName] string op = "")
    {
        int length = read(null, 0);
        if (length < 0) throw new TorchException($"{op}: {LastError()}");
        byte[] buffer = new byte[length + 1];
        fixed (byte* p = buffer) read(p, buffer.Length);
        return System.Text.Encoding.UTF8.GetString(buffer, 0, length);
    }
}
