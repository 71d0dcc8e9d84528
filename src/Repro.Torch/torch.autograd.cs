using Repro.Torch.PInvoke;
using static Repro.Torch.PInvoke.Native;

namespace Repro.Torch;

public static partial class torch
{
    public static class autograd
    {
        /// <summary>
        /// Gradients of <paramref name="outputs"/> (weighted by <paramref name="grad_outputs"/>,
        /// entries may be null for scalar outputs) with respect to <paramref name="inputs"/>. With
        /// create_graph the results are differentiable again: double backward, as the Jacobian-vector
        /// products of the linearized model need. An entry is null when its input is unused and
        /// allow_unused is set.
        /// </summary>
        public static unsafe Tensor?[] grad(IReadOnlyList<Tensor> outputs, IReadOnlyList<Tensor> inputs,
            IReadOnlyList<Tensor?>? grad_outputs = null, bool retain_graph = false, bool create_graph = false,
            bool allow_unused = false)
        {
            if (grad_outputs is not null && grad_outputs.Count != outputs.Count)
                throw new ArgumentException($"grad_outputs has {grad_outputs.Count} entries for {outputs.Count} outputs", nameof(grad_outputs));
            using var outs = new HandleList(outputs);
            using var ins = new HandleList(inputs);
            using var gouts = new HandleList(grad_outputs ?? []);
            IntPtr[] results = new IntPtr[inputs.Count];
            fixed (IntPtr* o = outs.Handles)
            fixed (IntPtr* i = ins.Handles)
            fixed (IntPtr* g = gouts.Handles)
            fixed (IntPtr* r = results)
            {
                Check(RTAutograd_grad(o, outputs.Count, i, inputs.Count, grad_outputs is null ? null : g,
                    retain_graph || create_graph ? 1 : 0, create_graph ? 1 : 0, allow_unused ? 1 : 0, r));
            }
            return results.Select(h => h == IntPtr.Zero ? null : new Tensor(h)).ToArray();
        }
    }
}
