using Repro.Torch;
using static Repro.Torch.torch;

namespace Repro.Dynamics;

/// <summary>
/// THEORY.md's "fixed network plus offset": one network theta0 for every beta, and a fixed,
/// non-trainable per-example offset c(x) added to its logits so that beta (f(x; theta0) + c(x))
/// = Z0(x) is the same for every beta. The tangent kernel is then identical across beta, exactly
/// the premise of the collapse theorem (unlike last-layer rescaling, which rescales it).
/// Needs a fixed training set (full-batch gradient descent): c is per example.
/// </summary>
public static class LogitOffset
{
    /// <summary>A target Z0 with ||Z0|| = <paramref name="z0Norm"/>: the network's own logits f0
    /// rescaled, or, given a generator, Gaussian logits independent of the network.</summary>
    public static Tensor Target(Tensor f0, double z0Norm, Generator? gaussian = null)
    {
        Inputs.LogitScale(z0Norm);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor direction = gaussian is null ? f0.detach() : randn(f0.shape, gaussian, f0.dtype);
        return (direction * (z0Norm / LogitNorm.Rms(direction))).MoveToOuterDisposeScope();
    }

    /// <summary>c = Z0 / beta - f0, so that beta (f0 + c) = Z0.</summary>
    public static Tensor For(Tensor f0, Tensor z0, double beta)
    {
        Inputs.Beta(beta);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return (z0 / beta - f0.detach()).MoveToOuterDisposeScope();
    }
}
