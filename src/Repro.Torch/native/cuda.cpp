// CUDA, selected at run time: whether a GPU is there, the cuDNN and TF32 policy a run asks for,
// the CUDA runtime and cuDNN versions libtorch was built with, and device synchronisation. The
// shim is compiled without CUDA headers: everything goes through libtorch's CUDA hooks, which a
// CPU libtorch answers with "no CUDA" (and a CUDA libtorch registers when libtorch_cuda loads).
#include "shim.h"

#include <ATen/Context.h>
#include <ATen/detail/CUDAHooksInterface.h>

RT_EXPORT int RT_cuda_is_available() {
  RT_TRY(0, return at::hasCUDA() && at::detail::getCUDAHooks().getNumGPUs() > 0 ? 1 : 0;)
}

RT_EXPORT int RT_cuda_device_count() {
  RT_TRY(0, return at::hasCUDA() ? at::detail::getCUDAHooks().getNumGPUs() : 0;)
}

// Process-wide in libtorch (as torch.backends.cudnn.* and torch.backends.cuda.matmul.allow_tf32
// are in PyTorch): a run sets all four before its first step. TF32 has two switches, one for
// matrix products (cuBLAS) and one for convolutions (cuDNN); the recipe sets both to one value.
RT_EXPORT int RTCuda_set_policy(int cudnn_benchmark, int cudnn_deterministic, int tf32) {
  RT_STATUS(
      auto& context = at::globalContext();
      context.setBenchmarkCuDNN(cudnn_benchmark != 0);
      context.setDeterministicCuDNN(cudnn_deterministic != 0);
      context.setAllowTF32CuBLAS(tf32 != 0);
      context.setAllowTF32CuDNN(tf32 != 0);)
}

// out[0..3]: cuDNN benchmark, cuDNN deterministic, TF32 for matmul, TF32 for convolutions.
RT_EXPORT int RTCuda_get_policy(int* out) {
  RT_STATUS(
      auto& context = at::globalContext();
      out[0] = context.benchmarkCuDNN() ? 1 : 0;
      out[1] = context.deterministicCuDNN() ? 1 : 0;
      out[2] = context.allowTF32CuBLAS() ? 1 : 0;
      out[3] = context.allowTF32CuDNN() ? 1 : 0;)
}

// The CUDA runtime and cuDNN versions as libtorch reports them (e.g. 12040 and 90100); 0 where
// libtorch has no CUDA (or no cuDNN).
RT_EXPORT int RTCuda_versions(int64_t* cuda_runtime, int64_t* cudnn) {
  RT_STATUS(
      const auto& hooks = at::detail::getCUDAHooks();
      bool cuda = at::hasCUDA();
      *cuda_runtime = cuda ? hooks.versionCUDART() : 0;
      *cudnn = cuda && hooks.hasCuDNN() ? hooks.versionCuDNN() : 0;)
}

// Waits for every kernel queued on the device (benchmarks time whole steps with it).
RT_EXPORT int RTCuda_synchronize(int device_index) {
  RT_STATUS(
      if (!at::hasCUDA()) throw std::runtime_error("synchronize: this libtorch has no CUDA");
      at::detail::getCUDAHooks().deviceSynchronize(static_cast<c10::DeviceIndex>(device_index));)
}
