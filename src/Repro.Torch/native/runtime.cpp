// Process-wide set-up and facts about the libtorch we run on.
#include "shim.h"

#include <ATen/Parallel.h>
#include <ATen/Version.h>
#include <torch/version.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <malloc.h>
#include <string>
#include <vector>

namespace {
thread_local std::string last_error;
std::atomic<int64_t> live_tensors{0};

int copy_string(const std::string& s, char* buffer, int capacity) {
  if (buffer && capacity > 0) {
    size_t n = std::min(s.size(), static_cast<size_t>(capacity - 1));
    std::memcpy(buffer, s.data(), n);
    buffer[n] = '\0';
  }
  return static_cast<int>(s.size());
}
}  // namespace

void rt_set_error(const char* message) { last_error = message ? message : "(no message)"; }

TensorHandle rt_wrap(at::Tensor t) {
  live_tensors.fetch_add(1, std::memory_order_relaxed);
  return new at::Tensor(std::move(t));
}

std::vector<at::Tensor> rt_list(const TensorHandle* handles, int n) {
  std::vector<at::Tensor> list;
  list.reserve(n);
  for (int i = 0; i < n; ++i) list.push_back(*handles[i]);
  return list;
}

RT_EXPORT const char* RT_last_error() { return last_error.c_str(); }

// Called once, when the C# side first loads the shim.
RT_EXPORT int RT_init(int threads) {
  RT_STATUS(
      // glibc would otherwise hand each large activation back to the kernel after every step and
      // fault it in again on the next: ~40% of a CNN step on CPU went to page faults without this.
      mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
      mallopt(M_TRIM_THRESHOLD, 1024 * 1024 * 1024);
      if (threads > 0) at::set_num_threads(threads);)
}

RT_EXPORT int RT_num_threads() { return at::get_num_threads(); }
RT_EXPORT int RT_set_num_threads(int threads) { RT_STATUS(at::set_num_threads(threads);) }

RT_EXPORT int RT_version(char* buffer, int capacity) { return copy_string(TORCH_VERSION, buffer, capacity); }

RT_EXPORT int RT_config(char* buffer, int capacity) {
  RT_TRY(-1, return copy_string(at::show_config(), buffer, capacity);)
}

RT_EXPORT int RT_parallel_info(char* buffer, int capacity) {
  RT_TRY(-1, return copy_string(at::get_parallel_info(), buffer, capacity);)
}

RT_EXPORT int64_t RT_live_tensors() { return live_tensors.load(std::memory_order_relaxed); }

RT_EXPORT void RTTensor_dispose(TensorHandle t) {
  if (!t) return;
  delete t;
  live_tensors.fetch_sub(1, std::memory_order_relaxed);
}
