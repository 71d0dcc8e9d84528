using Repro.Torch;
using static Repro.Torch.torch;

namespace Repro.Dynamics;

/// <summary>
/// The covariance law of softmax entropy (found for policy entropy in RL, seeds/001): for
/// p = softmax(Z) and H = -sum_k p_k ln p_k, dH/dZ_j = -p_j (ln p_j + H), so to first order in a
/// change dZ of the logits, per example,
///   dH = -Cov_{k~p}(ln p_k, dZ_k) = -sum_k p_k (ln p_k - E_p[ln p]) dZ_k.
/// Measured here on the probe batch over one update: the actual change of the mean entropy next
/// to this prediction from the logits before and after. Z is the scaled logits beta z (what the
/// softmax sees). In float64, since one step moves H by far less than float32 resolves at H ~ ln K.
/// </summary>
public static class EntropyCovariance
{
    /// <summary>Mean over examples of -Cov_{p(x)}(ln p(x), Z_after(x) - Z_before(x)), p = softmax(Z_before).</summary>
    public static double Predicted(Tensor before, Tensor after)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor zBefore = before.to(ScalarType.Float64), dz = after.to(ScalarType.Float64) - zBefore;
        Tensor logp = zBefore.log_softmax(1), p = logp.exp();
        Tensor centered = logp - (p * logp).sum([1], keepdim: true);
        return -(p * centered * dz).sum([1]).mean().item();
    }

    /// <summary>The change of the mean softmax entropy from Z_before to Z_after.</summary>
    public static double Measured(Tensor before, Tensor after)
    {
        using var scope = NewDisposeScope();
        return Probes.Entropy(after.to(ScalarType.Float64)) - Probes.Entropy(before.to(ScalarType.Float64));
    }
}
