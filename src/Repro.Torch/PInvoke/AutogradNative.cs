using System.Runtime.InteropServices;

namespace Repro.Torch.PInvoke;

// Declarations of native/autograd.cpp.
internal static unsafe partial class Native
{
    [LibraryImport(NativeLoader.Library)] internal static partial int RTAutograd_backward(Tensor t, IntPtr grad, int retainGraph, int createGraph);
    [LibraryImport(NativeLoader.Library)] internal static partial int RTAutograd_get_grad(Tensor t, out IntPtr grad);
    [LibraryImport(NativeLoader.Library)] internal static partial int RTAutograd_clear_grad(Tensor t);
    [LibraryImport(NativeLoader.Library)] internal static partial int RTAutograd_grad(IntPtr* outputs, int noutputs, IntPtr* inputs, int ninputs, IntPtr* gradOutputs, int retainGraph, int createGraph, int allowUnused, IntPtr* results);
    [LibraryImport(NativeLoader.Library)] internal static partial int RTAutograd_set_grad_enabled(int enabled);
    [LibraryImport(NativeLoader.Library)] internal static partial int RTAutograd_is_grad_enabled();
}
