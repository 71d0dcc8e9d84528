using System.Runtime.InteropServices;

namespace Repro.Torch.PInvoke;

// Declarations of native/cuda.cpp.
internal static unsafe partial class Native
{
    [LibraryImport(NativeLoader.Library)] internal static partial int RT_cuda_is_available();
    [LibraryImport(NativeLoader.Library)] internal static partial int RT_cuda_device_count();
    [LibraryImport(NativeLoader.Library)] internal static partial int RTCuda_set_policy(int cudnnBenchmark, int cudnnDeterministic, int tf32);
    [LibraryImport(NativeLoader.Library)] internal static partial int RTCuda_get_policy(int* flags);
    [LibraryImport(NativeLoader.Library)] internal static partial int RTCuda_versions(out long cudaRuntime, out long cudnn);
    [LibraryImport(NativeLoader.Library)] internal static partial int RTCuda_synchronize(int deviceIndex);
}
