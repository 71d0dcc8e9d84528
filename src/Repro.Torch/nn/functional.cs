using Repro.Torch.PInvoke;
using static Repro.Torch.PInvoke.Native;

namespace Repro.Torch;

public static partial class torch
{
    public static partial class nn
    {
        public enum Reduction { None = 0, Mean = 1, Sum = 2 }

        /// <summary>Functional forms of the layers (the modules call these).</summary>
        public static class functional
        {
            public static Tensor linear(Tensor x, Tensor weight, Tensor? bias = null)
            {
                using var b = new HandleList([bias]);
                return Wrap(RTNN_linear(x, weight, b.Handles[0]));
            }

            public static unsafe Tensor conv2d(Tensor x, Tensor weight, Tensor? bias = null, long stride = 1, long padding = 0,
                long dilation = 1, long groups = 1) =>
                conv2d(x, weight, bias, (stride, stride), (padding, padding), (dilation, dilation), groups);

            public static unsafe Tensor conv2d(Tensor x, Tensor weight, Tensor? bias, (long h, long w) stride,
                (long h, long w) padding, (long h, long w) dilation, long groups = 1)
            {
                using var b = new HandleList([bias]);
                long* s = stackalloc long[] { stride.h, stride.w };
                long* p = stackalloc long[] { padding.h, padding.w };
                long* d = stackalloc long[] { dilation.h, dilation.w };
                return Wrap(RTNN_conv2d(x, weight, b.Handles[0], s, p, d, groups));
            }

            /// <summary>In training mode normalises with the batch statistics and updates the running
            /// ones in place (when given); in eval mode uses the running statistics.</summary>
            public static Tensor batch_norm(Tensor x, Tensor? running_mean, Tensor? running_var, Tensor? weight = null,
                Tensor? bias = null, bool training = false, double momentum = 0.1, double eps = 1e-5)
            {
                using var h = new HandleList([weight, bias, running_mean, running_var]);
                return Wrap(RTNN_batch_norm(x, h.Handles[0], h.Handles[1], h.Handles[2], h.Handles[3], training ? 1 : 0, momentum, eps));
            }

            public static unsafe Tensor max_pool2d(Tensor x, long kernel_size, long? stride = null, long padding = 0)
            {
                long st = stride ?? kernel_size;
                long* k = stackalloc long[] { kernel_size, kernel_size };
                long* s = stackalloc long[] { st, st };
                long* p = stackalloc long[] { padding, padding };
                return Wrap(RTNN_max_pool2d(x, k, s, p));
            }

            public static unsafe Tensor avg_pool2d(Tensor x, long kernel_size, long? stride = null, long padding = 0)
            {
                long st = stride ?? kernel_size;
                long* k = stackalloc long[] { kernel_size, kernel_size };
                long* s = stackalloc long[] { st, st };
                long* p = stackalloc long[] { padding, padding };
                return Wrap(RTNN_avg_pool2d(x, k, s, p));
            }

            public static unsafe Tensor adaptive_avg_pool2d(Tensor x, (long h, long w) output_size)
            {
                long* o = stackalloc long[] { output_size.h, output_size.w };
                return Wrap(RTNN_adaptive_avg_pool2d(x, o));
            }

            /// <summary>Inverted dropout whose mask is drawn from <paramref name="generator"/>.</summary>
            public static Tensor dropout(Tensor x, double p, bool training, Generator generator) =>
                Wrap(RTNN_dropout(x, p, training ? 1 : 0, generator));

            public static Tensor relu(Tensor x) => x.relu();
            public static Tensor tanh(Tensor x) => x.tanh();
            public static Tensor sigmoid(Tensor x) => x.sigmoid();
            public static Tensor softmax(Tensor x, long dim) => x.softmax(dim);
            public static Tensor log_softmax(Tensor x, long dim) => x.log_softmax(dim);

            /// <summary>Negative log-likelihood of class indices given log-probabilities.</summary>
            public static Tensor nll_loss(Tensor log_probs, Tensor target, Reduction reduction = Reduction.Mean) =>
                Wrap(RTNN_nll_loss(log_probs, target, (long)reduction));

            /// <summary>Softmax cross-entropy of logits against class indices.</summary>
            public static Tensor cross_entropy(Tensor logits, Tensor target, Reduction reduction = Reduction.Mean,
                double label_smoothing = 0) =>
                Wrap(RTNN_cross_entropy(logits, target, (long)reduction, label_smoothing));

            /// <summary>Rows of <paramref name="weight"/> at <paramref name="indices"/>; the row at
            /// padding_idx gets no gradient.</summary>
            public static Tensor embedding(Tensor indices, Tensor weight, long padding_idx = -1) =>
                Wrap(RTNN_embedding(weight, indices, padding_idx));

            /// <summary>
            /// The fused multi-layer GRU (libtorch's at::gru). <paramref name="parameters"/> per layer
            /// and direction: weight_ih, weight_hh, then bias_ih, bias_hh when has_biases.
            /// Returns every step's output and the final hidden state (layers*directions, batch, hidden).
            /// </summary>
            public static unsafe (Tensor output, Tensor h_n) gru(Tensor input, Tensor hx, IReadOnlyList<Tensor> parameters,
                bool has_biases, long num_layers, bool bidirectional, bool batch_first)
            {
                using var list = new HandleList(parameters);
                fixed (IntPtr* p = list.Handles)
                {
                    Check(RTNN_gru(input, hx, p, parameters.Count, has_biases ? 1 : 0, num_layers,
                        bidirectional ? 1 : 0, batch_first ? 1 : 0, out IntPtr output, out IntPtr hN));
                    return (new Tensor(output), new Tensor(hN));
                }
            }
        }
    }
}
