using System.Runtime.InteropServices;

namespace Repro.Torch.PInvoke;

// Declarations of native/generator.cpp.
internal static partial class Native
{
    [LibraryImport(NativeLoader.Library)] internal static partial IntPtr RTGenerator_new(ulong seed);
    [LibraryImport(NativeLoader.Library)] internal static partial void RTGenerator_dispose(IntPtr g);
    [LibraryImport(NativeLoader.Library)] internal static partial int RTGenerator_manual_seed(Generator g, ulong seed);
    [LibraryImport(NativeLoader.Library)] internal static partial int RTGenerator_initial_seed(Generator g, out ulong seed);
    [LibraryImport(NativeLoader.Library)] internal static partial IntPtr RTGenerator_get_state(Generator g);
    [LibraryImport(NativeLoader.Library)] internal static partial int RTGenerator_set_state(Generator g, Tensor state);
}
