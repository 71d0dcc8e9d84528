using System.Runtime.InteropServices;

namespace Repro.Torch.PInvoke;

// Declarations of native/nn.cpp. Optional tensors (bias, running statistics) travel as raw
// handles, IntPtr.Zero meaning None; callers keep them alive with a HandleList.
internal static unsafe partial class Native
{
    [LibraryImport(NativeLoader.Library)] internal static partial IntPtr RTNN_linear(Tensor x, Tensor w, IntPtr b);
    [LibraryImport(NativeLoader.Library)] internal static partial IntPtr RTNN_conv2d(Tensor x, Tensor w, IntPtr b, long* stride, long* padding, long* dilation, long groups);
    [LibraryImport(NativeLoader.Library)] internal static partial IntPtr RTNN_batch_norm(Tensor x, IntPtr weight, IntPtr bias, IntPtr runningMean, IntPtr runningVar, int training, double momentum, double eps);
    [LibraryImport(NativeLoader.Library)] internal static partial IntPtr RTNN_max_pool2d(Tensor x, long* kernel, long* stride, long* padding);
    [LibraryImport(NativeLoader.Library)] internal static partial IntPtr RTNN_avg_pool2d(Tensor x, long* kernel, long* stride, long* padding);
    [LibraryImport(NativeLoader.Library)] internal static partial IntPtr RTNN_adaptive_avg_pool2d(Tensor x, long* outputSize);
    [LibraryImport(NativeLoader.Library)] internal static partial IntPtr RTNN_dropout(Tensor x, double p, int training, Generator g);
    [LibraryImport(NativeLoader.Library)] internal static partial IntPtr RTNN_softmax(Tensor x, long dim);
    [LibraryImport(NativeLoader.Library)] internal static partial IntPtr RTNN_log_softmax(Tensor x, long dim);
    [LibraryImport(NativeLoader.Library)] internal static partial IntPtr RTNN_nll_loss(Tensor x, Tensor target, long reduction);
    [LibraryImport(NativeLoader.Library)] internal static partial IntPtr RTNN_cross_entropy(Tensor x, Tensor target, long reduction, double labelSmoothing);
    [LibraryImport(NativeLoader.Library)] internal static partial IntPtr RTNN_embedding(Tensor weight, Tensor indices, long paddingIdx);
    [LibraryImport(NativeLoader.Library)] internal static partial int RTNN_gru(Tensor x, Tensor hx, IntPtr* parameters, int nparams, int hasBiases, long numLayers, int bidirectional, int batchFirst, out IntPtr output, out IntPtr hN);
}
