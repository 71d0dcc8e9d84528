// The C ABI between libtorch and Repro.Torch (C#).
//
// Every exported function is `extern "C"`, named RT<Area>_<op>, and never lets an exception
// cross the boundary: errors are stored in a thread-local message and signalled by the return
// value (nullptr for functions returning a tensor, -1 for functions returning a status).
// The C# side checks every call right after it returns and raises TorchException.
#pragma once

#include <ATen/ATen.h>
#include <c10/util/Exception.h>

#include <cstdint>
#include <exception>
#include <stdexcept>
#include <string>
#include <vector>

#define RT_EXPORT extern "C" __attribute__((visibility("default")))

using TensorHandle = at::Tensor*;
using GeneratorHandle = at::Generator*;

void rt_set_error(const char* message);
TensorHandle rt_wrap(at::Tensor t);  // heap copy counted as a live tensor

// Optional tensor arguments arrive as nullptr; an undefined at::Tensor is libtorch's "None".
inline at::Tensor rt_opt(TensorHandle h) { return h ? *h : at::Tensor(); }

inline at::IntArrayRef rt_dims(const int64_t* dims, int n) { return at::IntArrayRef(dims, static_cast<size_t>(n)); }

inline at::TensorOptions rt_options(int dtype, int device_type, int device_index) {
  return at::TensorOptions()
      .dtype(static_cast<at::ScalarType>(dtype))
      .device(at::Device(static_cast<at::DeviceType>(device_type), static_cast<c10::DeviceIndex>(device_index)));
}

std::vector<at::Tensor> rt_list(const TensorHandle* handles, int n);

// C# passes every scalar as a double. For an integral tensor and an integral value, make it an
// integer scalar, so that `labels * 2` stays int64 as in PyTorch (a double scalar would promote
// the result to float, and fail for in-place updates of integer tensors).
inline at::Scalar rt_scalar(const at::Tensor& t, double v) {
  bool integral_tensor = at::isIntegralType(t.scalar_type(), /*includeBool=*/false);
  if (integral_tensor && v == static_cast<double>(static_cast<int64_t>(v))) return at::Scalar(static_cast<int64_t>(v));
  return at::Scalar(v);
}

// The one catch macro. `on_error` is what the function returns when `body` throws.
#define RT_TRY(on_error, body)                                   \
  try {                                                          \
    body                                                         \
  } catch (const c10::Error& e) {                                \
    rt_set_error(e.what_without_backtrace());                    \
    return on_error;                                             \
  } catch (const std::exception& e) {                            \
    rt_set_error(e.what());                                      \
    return on_error;                                             \
  } catch (...) {                                                \
    rt_set_error("unknown native exception");                    \
    return on_error;                                             \
  }

// A function whose whole body is one expression producing a tensor.
#define RT_TENSOR(expr) RT_TRY(nullptr, return rt_wrap(expr);)
// A function whose body is statements; returns 0 on success, -1 on error.
#define RT_STATUS(stmts) RT_TRY(-1, stmts return 0;)
