// Neural-network functions (the functional forms; modules are written in C#).
#include "shim.h"

RT_EXPORT TensorHandle RTNN_linear(TensorHandle x, TensorHandle w, TensorHandle b) {
  RT_TENSOR(at::linear(*x, *w, rt_opt(b)))
}

RT_EXPORT TensorHandle RTNN_conv2d(TensorHandle x, TensorHandle w, TensorHandle b, const int64_t* stride,
                                   const int64_t* padding, const int64_t* dilation, int64_t groups) {
  RT_TENSOR(at::conv2d(*x, *w, rt_opt(b), rt_dims(stride, 2), rt_dims(padding, 2), rt_dims(dilation, 2), groups))
}

// In training mode, updates running_mean / running_var in place (when given), like PyTorch.
RT_EXPORT TensorHandle RTNN_batch_norm(TensorHandle x, TensorHandle weight, TensorHandle bias,
                                       TensorHandle running_mean, TensorHandle running_var, int training,
                                       double momentum, double eps) {
  RT_TENSOR(at::batch_norm(*x, rt_opt(weight), rt_opt(bias), rt_opt(running_mean), rt_opt(running_var),
                           training != 0, momentum, eps, /*cudnn_enabled=*/true))
}

RT_EXPORT TensorHandle RTNN_max_pool2d(TensorHandle x, const int64_t* kernel, const int64_t* stride,
                                       const int64_t* padding) {
  RT_TENSOR(at::max_pool2d(*x, rt_dims(kernel, 2), rt_dims(stride, 2), rt_dims(padding, 2)))
}

RT_EXPORT TensorHandle RTNN_avg_pool2d(TensorHandle x, const int64_t* kernel, const int64_t* stride,
                                       const int64_t* padding) {
  RT_TENSOR(at::avg_pool2d(*x, rt_dims(kernel, 2), rt_dims(stride, 2), rt_dims(padding, 2)))
}

RT_EXPORT TensorHandle RTNN_adaptive_avg_pool2d(TensorHandle x, const int64_t* output_size) {
  RT_TENSOR(at::adaptive_avg_pool2d(*x, rt_dims(output_size, 2)))
}

// Inverted dropout drawing its mask from an explicit generator (at::dropout would use the
// global one, and a seed would no longer fix the run).
RT_EXPORT TensorHandle RTNN_dropout(TensorHandle x, double p, int training, GeneratorHandle g) {
  RT_TRY(nullptr,
         TORCH_CHECK(p >= 0.0 && p <= 1.0, "dropout probability has to be between 0 and 1, but got ", p);
         if (!training || p == 0.0) return rt_wrap(*x);
         if (p == 1.0) return rt_wrap(at::zeros_like(*x));
         at::Tensor mask = at::empty_like(*x, at::TensorOptions().device(at::kCPU)).bernoulli_(1.0 - p, *g);
         return rt_wrap(*x * mask.to(x->device()).div_(1.0 - p));)
}

RT_EXPORT TensorHandle RTNN_softmax(TensorHandle x, int64_t dim) { RT_TENSOR(at::softmax(*x, dim)) }
RT_EXPORT TensorHandle RTNN_log_softmax(TensorHandle x, int64_t dim) { RT_TENSOR(at::log_softmax(*x, dim)) }

// reduction: 0 none, 1 mean, 2 sum (at::Reduction).
RT_EXPORT TensorHandle RTNN_nll_loss(TensorHandle x, TensorHandle target, int64_t reduction) {
  RT_TENSOR(at::nll_loss(*x, *target, at::Tensor(), reduction))
}

RT_EXPORT TensorHandle RTNN_cross_entropy(TensorHandle x, TensorHandle target, int64_t reduction,
                                          double label_smoothing) {
  RT_TENSOR(at::cross_entropy_loss(*x, *target, at::Tensor(), reduction, -100, label_smoothing))
}

RT_EXPORT TensorHandle RTNN_embedding(TensorHandle weight, TensorHandle indices, int64_t padding_idx) {
  RT_TENSOR(at::embedding(*weight, *indices, padding_idx))
}

// The fused multi-layer GRU. params: per layer (and direction) w_ih, w_hh[, b_ih, b_hh].
RT_EXPORT int RTNN_gru(TensorHandle x, TensorHandle hx, const TensorHandle* params, int nparams, int has_biases,
                       int64_t num_layers, int bidirectional, int batch_first, TensorHandle* output,
                       TensorHandle* h_n) {
  RT_STATUS(auto r = at::gru(*x, *hx, rt_list(params, nparams), has_biases != 0, num_layers, /*dropout=*/0.0,
                             /*train=*/false, bidirectional != 0, batch_first != 0);
            *output = rt_wrap(std::get<0>(r)); *h_n = rt_wrap(std::get<1>(r));)
}
