using Repro.Torch;
using Repro.Torch.Modules;
using static Repro.Torch.torch;

namespace Repro.Dynamics;

/// <summary>
/// The empirical neural tangent kernel of a small probe batch, Theta = J J^T with J = dz/dtheta
/// over the P x K logits of P probe examples: a (P K) x (P K) matrix whose entry (i, j) is the
/// inner product of the parameter gradients of logits i and j, found by one backward pass per
/// logit (keep the probe small: a few examples x K). Its relative change from initialization,
/// ||Theta_t - Theta_0|| / ||Theta_0||, is one of THEORY.md's measures of leaving the linear regime.
/// </summary>
public static class EmpiricalNtk
{
    public static Tensor Of(Module<Tensor, Tensor> model, Tensor probe)
    {
        var parameters = model.parameters();
        using var scope = NewDisposeScope();
        Tensor z = model.forward(probe).reshape([-1]);
        long n = z.shape[0];
        var rows = new List<Tensor>();
        for (long i = 0; i < n; i++)
        {
            // Made where the logits are: a CPU vector against CUDA logits is a device mismatch.
            var unit = zeros([n], z.dtype, z.device);
            unit.narrow(0, i, 1).fill_(1);
            var grads = autograd.grad([z], parameters, [unit], retain_graph: true);
            rows.Add(cat(grads.Select(g => g!.reshape([-1])).ToList()));
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
