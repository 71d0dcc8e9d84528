// Tensors: creation, properties, conversion, element-wise math, reductions and shapes.
#include "shim.h"

#include <cstring>

// ---- creation ----------------------------------------------------------------------------

RT_EXPORT TensorHandle RTTensor_empty(const int64_t* shape, int ndim, int dtype, int dev, int idx) {
  RT_TENSOR(at::empty(rt_dims(shape, ndim), rt_options(dtype, dev, idx)))
}
RT_EXPORT TensorHandle RTTensor_zeros(const int64_t* shape, int ndim, int dtype, int dev, int idx) {
  RT_TENSOR(at::zeros(rt_dims(shape, ndim), rt_options(dtype, dev, idx)))
}
RT_EXPORT TensorHandle RTTensor_ones(const int64_t* shape, int ndim, int dtype, int dev, int idx) {
  RT_TENSOR(at::ones(rt_dims(shape, ndim), rt_options(dtype, dev, idx)))
}
RT_EXPORT TensorHandle RTTensor_full(const int64_t* shape, int ndim, double value, int dtype, int dev, int idx) {
  RT_TENSOR(at::full(rt_dims(shape, ndim), value, rt_options(dtype, dev, idx)))
}
RT_EXPORT TensorHandle RTTensor_arange(double start, double end, double step, int dtype, int dev, int idx) {
  RT_TENSOR(at::arange(start, end, step, rt_options(dtype, dev, idx)))
}
// Copies `data` (host memory laid out contiguously, C order) into a new CPU tensor.
RT_EXPORT TensorHandle RTTensor_from_data(const void* data, const int64_t* shape, int ndim, int dtype) {
  RT_TENSOR(at::from_blob(const_cast<void*>(data), rt_dims(shape, ndim),
                          at::TensorOptions().dtype(static_cast<at::ScalarType>(dtype)))
                .clone())
}

// ---- random (always from an explicit generator) --------------------------------------------

RT_EXPORT TensorHandle RTTensor_randn(const int64_t* shape, int ndim, int dtype, GeneratorHandle g) {
  RT_TENSOR(at::randn(rt_dims(shape, ndim), *g, at::TensorOptions().dtype(static_cast<at::ScalarType>(dtype))))
}
RT_EXPORT TensorHandle RTTensor_rand(const int64_t* shape, int ndim, int dtype, GeneratorHandle g) {
  RT_TENSOR(at::rand(rt_dims(shape, ndim), *g, at::TensorOptions().dtype(static_cast<at::ScalarType>(dtype))))
}
RT_EXPORT TensorHandle RTTensor_randint(int64_t low, int64_t high, const int64_t* shape, int ndim, GeneratorHandle g) {
  RT_TENSOR(at::randint(low, high, rt_dims(shape, ndim), *g, at::TensorOptions().dtype(at::kLong)))
}
RT_EXPORT TensorHandle RTTensor_randperm(int64_t n, GeneratorHandle g) {
  RT_TENSOR(at::randperm(n, *g, at::TensorOptions().dtype(at::kLong)))
}
RT_EXPORT int RTTensor_normal_(TensorHandle t, double mean, double std, GeneratorHandle g) {
  RT_STATUS(t->normal_(mean, std, *g);)
}
RT_EXPORT int RTTensor_uniform_(TensorHandle t, double from, double to, GeneratorHandle g) {
  RT_STATUS(t->uniform_(from, to, *g);)
}
RT_EXPORT int RTTensor_bernoulli_(TensorHandle t, double p, GeneratorHandle g) {
  RT_STATUS(t->bernoulli_(p, *g);)
}

// ---- properties and conversion --------------------------------------------------------------

RT_EXPORT int64_t RTTensor_ndim(TensorHandle t) { return t->dim(); }
RT_EXPORT void RTTensor_shape(TensorHandle t, int64_t* out) {
  for (int64_t i = 0; i < t->dim(); ++i) out[i] = t->size(i);
}
RT_EXPORT int64_t RTTensor_numel(TensorHandle t) { return t->numel(); }
RT_EXPORT int RTTensor_dtype(TensorHandle t) { return static_cast<int>(t->scalar_type()); }
RT_EXPORT int RTTensor_device_type(TensorHandle t) { return static_cast<int>(t->device().type()); }
RT_EXPORT int RTTensor_device_index(TensorHandle t) { return t->device().index(); }
RT_EXPORT int RTTensor_requires_grad(TensorHandle t) { return t->requires_grad() ? 1 : 0; }
RT_EXPORT int RTTensor_set_requires_grad(TensorHandle t, int value) { RT_STATUS(t->set_requires_grad(value != 0);) }

// Copies the elements (C order) into `dst`, which holds exactly `nbytes`.
RT_EXPORT int RTTensor_copy_to(TensorHandle t, void* dst, int64_t nbytes) {
  RT_STATUS(
      at::Tensor c = t->detach().to(at::kCPU).contiguous();
      int64_t have = c.numel() * static_cast<int64_t>(c.element_size());
      TORCH_CHECK(have == nbytes, "copy_to: tensor holds ", have, " bytes, destination ", nbytes);
      if (nbytes > 0) std::memcpy(dst, c.data_ptr(), static_cast<size_t>(nbytes));)
}
RT_EXPORT int RTTensor_item(TensorHandle t, double* out) { RT_STATUS(*out = t->item().toDouble();) }

RT_EXPORT TensorHandle RTTensor_to_dtype(TensorHandle t, int dtype) {
  RT_TENSOR(t->to(static_cast<at::ScalarType>(dtype)))
}
// non_blocking: a copy from pinned host memory to a GPU returns before it is done (the stream
// orders it before the kernels that read it); from pageable memory it is synchronous anyway.
RT_EXPORT TensorHandle RTTensor_to_device(TensorHandle t, int dev, int idx, int non_blocking) {
  RT_TENSOR(t->to(at::Device(static_cast<at::DeviceType>(dev), static_cast<c10::DeviceIndex>(idx)),
                  /*non_blocking=*/non_blocking != 0))
}
// A copy in page-locked host memory (libtorch's caching host allocator, which keeps a block from
// reuse until the copies that read it have finished). Needs a CUDA libtorch.
RT_EXPORT TensorHandle RTTensor_pin_memory(TensorHandle t) { RT_TENSOR(t->pin_memory()) }
RT_EXPORT TensorHandle RTTensor_clone(TensorHandle t) { RT_TENSOR(t->clone()) }
RT_EXPORT TensorHandle RTTensor_detach(TensorHandle t) { RT_TENSOR(t->detach()) }
RT_EXPORT TensorHandle RTTensor_contiguous(TensorHandle t) { RT_TENSOR(t->contiguous()) }
// Replaces what `t` holds while keeping its identity (the C# handle, requires_grad): how a
// module moves its parameters to another dtype or device.
RT_EXPORT int RTTensor_set_data(TensorHandle t, TensorHandle data) { RT_STATUS(t->set_data(*data);) }

// ---- element-wise ------------------------------------------------------------------------------

#define RT_BINARY(name, expr) \
  RT_EXPORT TensorHandle RTTensor_##name(TensorHandle a, TensorHandle b) { RT_TENSOR(expr) }
#define RT_BINARY_SCALAR(name, expr) \
  RT_EXPORT TensorHandle RTTensor_##name(TensorHandle a, double s) { RT_TENSOR(expr) }
#define RT_UNARY(name, expr) \
  RT_EXPORT TensorHandle RTTensor_##name(TensorHandle a) { RT_TENSOR(expr) }

// alpha as an integer for integer tensors (rt_scalar): libtorch refuses a floating alpha there, so
// that `counts - counts` (batch norm's num_batches_tracked, say) would otherwise fail.
RT_EXPORT TensorHandle RTTensor_add(TensorHandle a, TensorHandle b, double alpha) { RT_TENSOR(at::add(*a, *b, rt_scalar(*a, alpha))) }
RT_EXPORT TensorHandle RTTensor_sub(TensorHandle a, TensorHandle b, double alpha) { RT_TENSOR(at::sub(*a, *b, rt_scalar(*a, alpha))) }
RT_BINARY(mul, at::mul(*a, *b))
RT_BINARY(div, at::div(*a, *b))
RT_BINARY(pow, at::pow(*a, *b))
RT_BINARY(maximum, at::maximum(*a, *b))
RT_BINARY(minimum, at::minimum(*a, *b))
RT_BINARY(eq, at::eq(*a, *b))
RT_BINARY(ne, at::ne(*a, *b))
RT_BINARY(lt, at::lt(*a, *b))
RT_BINARY(le, at::le(*a, *b))
RT_BINARY(gt, at::gt(*a, *b))
RT_BINARY(ge, at::ge(*a, *b))
RT_BINARY(matmul, at::matmul(*a, *b))

RT_BINARY_SCALAR(add_scalar, at::add(*a, rt_scalar(*a, s)))
RT_BINARY_SCALAR(mul_scalar, at::mul(*a, rt_scalar(*a, s)))
RT_BINARY_SCALAR(div_scalar, at::div(*a, s))
RT_BINARY_SCALAR(rsub_scalar, at::rsub(*a, rt_scalar(*a, s)))
RT_BINARY_SCALAR(rdiv_scalar, at::reciprocal(*a) * s)
RT_BINARY_SCALAR(pow_scalar, at::pow(*a, rt_scalar(*a, s)))
RT_BINARY_SCALAR(eq_scalar, at::eq(*a, s))
RT_BINARY_SCALAR(ne_scalar, at::ne(*a, s))
RT_BINARY_SCALAR(lt_scalar, at::lt(*a, s))
RT_BINARY_SCALAR(le_scalar, at::le(*a, s))
RT_BINARY_SCALAR(gt_scalar, at::gt(*a, s))
RT_BINARY_SCALAR(ge_scalar, at::ge(*a, s))

RT_UNARY(neg, at::neg(*a))
RT_UNARY(exp, at::exp(*a))
RT_UNARY(log, at::log(*a))
RT_UNARY(tanh, at::tanh(*a))
RT_UNARY(sigmoid, at::sigmoid(*a))
RT_UNARY(relu, at::relu(*a))
RT_UNARY(sqrt, at::sqrt(*a))
RT_UNARY(abs, at::abs(*a))
RT_UNARY(square, at::square(*a))
RT_UNARY(isfinite, at::isfinite(*a))
RT_UNARY(logical_not, at::logical_not(*a))

RT_EXPORT TensorHandle RTTensor_clamp(TensorHandle a, double min, double max, int has_min, int has_max) {
  RT_TRY(nullptr,
         if (has_min && has_max) return rt_wrap(at::clamp(*a, at::Scalar(min), at::Scalar(max)));
         if (has_min) return rt_wrap(at::clamp_min(*a, min));
         if (has_max) return rt_wrap(at::clamp_max(*a, max));
         return rt_wrap(a->clone());)
}
RT_EXPORT TensorHandle RTTensor_where(TensorHandle cond, TensorHandle a, TensorHandle b) {
  RT_TENSOR(at::where(*cond, *a, *b))
}
RT_EXPORT TensorHandle RTTensor_one_hot(TensorHandle a, int64_t num_classes) { RT_TENSOR(at::one_hot(*a, num_classes)) }

// ---- in place (optimizers, initialisation, activations) ----------------------------------------

RT_EXPORT int RTTensor_add_(TensorHandle a, TensorHandle b, double alpha) { RT_STATUS(a->add_(*b, rt_scalar(*a, alpha));) }
RT_EXPORT int RTTensor_mul_(TensorHandle a, TensorHandle b) { RT_STATUS(a->mul_(*b);) }
RT_EXPORT int RTTensor_add_scalar_(TensorHandle a, double s) { RT_STATUS(a->add_(rt_scalar(*a, s));) }
RT_EXPORT int RTTensor_mul_scalar_(TensorHandle a, double s) { RT_STATUS(a->mul_(rt_scalar(*a, s));) }
RT_EXPORT int RTTensor_copy_(TensorHandle dst, TensorHandle src) { RT_STATUS(dst->copy_(*src);) }
RT_EXPORT int RTTensor_zero_(TensorHandle a) { RT_STATUS(a->zero_();) }
RT_EXPORT int RTTensor_fill_(TensorHandle a, double value) { RT_STATUS(a->fill_(rt_scalar(*a, value));) }
RT_EXPORT int RTTensor_relu_(TensorHandle a) { RT_STATUS(at::relu_(*a);) }

// ---- reductions --------------------------------------------------------------------------------

RT_UNARY(sum_all, at::sum(*a))
RT_UNARY(mean_all, at::mean(*a))
RT_UNARY(max_all, at::max(*a))
RT_UNARY(min_all, at::min(*a))
RT_UNARY(argmax_all, at::argmax(*a))
RT_EXPORT TensorHandle RTTensor_sum(TensorHandle a, const int64_t* dims, int n, int keepdim) {
  RT_TENSOR(at::sum(*a, rt_dims(dims, n), keepdim != 0))
}
RT_EXPORT TensorHandle RTTensor_mean(TensorHandle a, const int64_t* dims, int n, int keepdim) {
  RT_TENSOR(at::mean(*a, rt_dims(dims, n), keepdim != 0))
}
RT_EXPORT TensorHandle RTTensor_logsumexp(TensorHandle a, const int64_t* dims, int n, int keepdim) {
  RT_TENSOR(at::logsumexp(*a, rt_dims(dims, n), keepdim != 0))
}
RT_EXPORT int RTTensor_max(TensorHandle a, int64_t dim, int keepdim, TensorHandle* values, TensorHandle* indices) {
  RT_STATUS(auto r = at::max(*a, dim, keepdim != 0); *values = rt_wrap(std::get<0>(r));
            *indices = rt_wrap(std::get<1>(r));)
}
RT_EXPORT TensorHandle RTTensor_argmax(TensorHandle a, int64_t dim, int keepdim) {
  RT_TENSOR(at::argmax(*a, dim, keepdim != 0))
}
RT_EXPORT TensorHandle RTTensor_norm_all(TensorHandle a, double p) { RT_TENSOR(at::norm(*a, p)) }
RT_EXPORT TensorHandle RTTensor_norm(TensorHandle a, double p, const int64_t* dims, int n, int keepdim) {
  RT_TENSOR(at::norm(*a, at::Scalar(p), rt_dims(dims, n), keepdim != 0))
}

// ---- shapes ------------------------------------------------------------------------------------

RT_EXPORT TensorHandle RTTensor_reshape(TensorHandle a, const int64_t* shape, int n) {
  RT_TENSOR(a->reshape(rt_dims(shape, n)))
}
RT_EXPORT TensorHandle RTTensor_view(TensorHandle a, const int64_t* shape, int n) { RT_TENSOR(a->view(rt_dims(shape, n))) }
RT_EXPORT TensorHandle RTTensor_expand(TensorHandle a, const int64_t* shape, int n) {
  RT_TENSOR(a->expand(rt_dims(shape, n)))
}
RT_EXPORT TensorHandle RTTensor_permute(TensorHandle a, const int64_t* dims, int n) {
  RT_TENSOR(a->permute(rt_dims(dims, n)))
}
RT_EXPORT TensorHandle RTTensor_transpose(TensorHandle a, int64_t d0, int64_t d1) { RT_TENSOR(a->transpose(d0, d1)) }
RT_EXPORT TensorHandle RTTensor_squeeze(TensorHandle a, int64_t dim) { RT_TENSOR(a->squeeze(dim)) }
RT_EXPORT TensorHandle RTTensor_unsqueeze(TensorHandle a, int64_t dim) { RT_TENSOR(a->unsqueeze(dim)) }
RT_EXPORT TensorHandle RTTensor_flatten(TensorHandle a, int64_t start, int64_t end) { RT_TENSOR(a->flatten(start, end)) }
RT_EXPORT TensorHandle RTTensor_narrow(TensorHandle a, int64_t dim, int64_t start, int64_t length) {
  RT_TENSOR(a->narrow(dim, start, length))
}
RT_EXPORT TensorHandle RTTensor_index_select(TensorHandle a, int64_t dim, TensorHandle index) {
  RT_TENSOR(at::index_select(*a, dim, *index))
}
RT_EXPORT TensorHandle RTTensor_gather(TensorHandle a, int64_t dim, TensorHandle index) {
  RT_TENSOR(at::gather(*a, dim, *index))
}
RT_EXPORT TensorHandle RTTensor_cat(const TensorHandle* list, int n, int64_t dim) { RT_TENSOR(at::cat(rt_list(list, n), dim)) }
RT_EXPORT TensorHandle RTTensor_stack(const TensorHandle* list, int n, int64_t dim) {
  RT_TENSOR(at::stack(rt_list(list, n), dim))
}
