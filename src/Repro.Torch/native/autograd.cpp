// Autograd: backward, gradients as tensors (with create_graph for double backward), grad mode.
#include "shim.h"

#include <ATen/core/grad_mode.h>
#include <torch/csrc/autograd/autograd.h>

#include <vector>

RT_EXPORT int RTAutograd_backward(TensorHandle t, TensorHandle grad, int retain_graph, int create_graph) {
  RT_STATUS(t->backward(rt_opt(grad), retain_graph != 0, create_graph != 0);)
}

// The gradient accumulated in t.grad, or nullptr (without error) when there is none.
RT_EXPORT int RTAutograd_get_grad(TensorHandle t, TensorHandle* out) {
  RT_STATUS(const at::Tensor& g = t->grad(); *out = g.defined() ? rt_wrap(g) : nullptr;)
}

// grad = None, as PyTorch's zero_grad(set_to_none=True).
RT_EXPORT int RTAutograd_clear_grad(TensorHandle t) { RT_STATUS(t->mutable_grad().reset();) }

// d(outputs)/d(inputs) weighted by grad_outputs (entries may be nullptr: ones for scalars).
// results[i] is nullptr when inputs[i] is unused and allow_unused is set.
RT_EXPORT int RTAutograd_grad(const TensorHandle* outputs, int noutputs, const TensorHandle* inputs, int ninputs,
                              const TensorHandle* grad_outputs, int retain_graph, int create_graph,
                              int allow_unused, TensorHandle* results) {
  RT_STATUS(
      std::vector<at::Tensor> gouts;
      if (grad_outputs) for (int i = 0; i < noutputs; ++i) gouts.push_back(rt_opt(grad_outputs[i]));
      auto grads = torch::autograd::grad(rt_list(outputs, noutputs), rt_list(inputs, ninputs), gouts,
                                         retain_graph != 0, create_graph != 0, allow_unused != 0);
      for (int i = 0; i < ninputs; ++i) results[i] = grads[i].defined() ? rt_wrap(grads[i]) : nullptr;)
}

// Grad mode is per thread in libtorch; returns the previous setting so that scopes nest.
RT_EXPORT int RTAutograd_set_grad_enabled(int enabled) {
  bool previous = at::GradMode::is_enabled();
  at::GradMode::set_enabled(enabled != 0);
  return previous ? 1 : 0;
}
RT_EXPORT int RTAutograd_is_grad_enabled() { return at::GradMode::is_enabled() ? 1 : 0; }
