using Repro.Torch;
using static Repro.Torch.torch;

namespace Repro.Dynamics;

/// <summary>The per-step quantities of THEORY.md measured on the probe batch (recorded by <see cref="ProbeLog"/>).</summary>
public static class Probes
{
    /// <summary>Mean softmax entropy of the predictions softmax(Z) (early saturation).</summary>
    public static double Entropy(Tensor scaledLogits)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor logp = scaledLogits.log_softmax(1);
        return -(logp.exp() * logp).sum([1]).mean().item();
    }

    /// <summary>r(t) = ||Z_t - Z_0|| / ||Z_0||.</summary>
    public static double RelativeChange(Tensor z, Tensor z0)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return (z - z0).norm().item() / z0.norm().item();
    }
}
