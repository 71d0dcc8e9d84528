using Repro.Torch;
using Repro.Torch.Modules;
using static Repro.Torch.torch;

namespace Repro.Dynamics;

/// <summary>
/// The empirical neural tangent kernel of a probe batch, Theta = J J^T with J = dz/dtheta over the
/// P x K logits of P probe examples: a (P K) x (P K) matrix whose entry (i, j) is the inner product
/// of the parameter gradients of logits i and j. Its relative change from initialization,
/// ||Theta_t - Theta_0|| / ||Theta_0||, is one of THEORY.md's measures of leaving the linear regime.
/// Each example's row block comes from its own forward pass and K backward passes through it, so
/// the cost is P K single-example backward passes (through the whole batch's graph it would be P
/// times more). That needs an example's logits to depend on that example alone: no batch norm in
/// training mode (use fixed statistics: eval mode), which is checked.
/// </summary>
public static class EmpiricalNtk
{
    public static Tensor Of(Module<Tensor, Tensor> model, Tensor probe)
    {
        var coupled = model.named_modules().FirstOrDefault(m => m.module is BatchNorm2d { training: true });
        if (coupled.module is not null)
            throw new InvalidOperationException($"EmpiricalNtk: batch norm '{coupled.name}' is in training mode, which couples the probe " +
                "examples through their batch statistics; measure the kernel with fixed statistics (eval mode)");
        var parameters = model.parameters();
        using var scope = NewDisposeScope();
        var rows = new List<Tensor>();
        for (long e = 0; e < probe.shape[0]; e++)
        {
            using var example = NewDisposeScope();
            Tensor z = model.forward(probe.narrow(0, e, 1)).reshape([-1]);
            long k = z.shape[0];
            for (long i = 0; i < k; i++)
            {
                // Made where the logits are: a CPU vector against CUDA logits is a device mismatch.
                var unit = zeros([k], z.dtype, z.device);
                unit.narrow(0, i, 1).fill_(1);
                var grads = autograd.grad([z], parameters, [unit], retain_graph: i < k - 1, allow_unused: true);
                rows.Add(cat(grads.Select((g, j) => (g ?? zeros(parameters[j].shape, z.dtype, z.device)).reshape([-1])).ToList()).MoveToOuterDisposeScope());
            }
        }
        Tensor jacobian = stack(rows);                               // (P K, parameters)
        return jacobian.matmul(jacobian.transpose(0, 1)).detach().MoveToOuterDisposeScope();
    }

    /// <summary>||Theta_t - Theta_0||_F / ||Theta_0||_F.</summary>
    public static double RelativeChange(Tensor theta, Tensor theta0)
    {
        using var scope = NewDisposeScope();
        return (theta - theta0).norm().item() / theta0.norm().item();
    }
}
