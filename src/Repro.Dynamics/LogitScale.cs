using Repro.Torch;
using Repro.Torch.Modules;
using static Repro.Torch.torch;

namespace Repro.Dynamics;

/// <summary>
/// Logit-scale control (last-layer rescaling): after the model's own initialization, multiply the
/// final (logit) layer's weight and bias by s so that ||Z0|| = ||beta z0|| on the probe batch hits
/// the target. The logits are linear in that layer's parameters, so one rescaling is exact up to
/// round-off. Note (THEORY.md): this also rescales the tangent kernel, so runs at different beta
/// are not in the setting of the collapse theorem.
/// </summary>
public static class LogitScale
{
    /// <summary>Rescales <paramref name="logitLayer"/>; returns ||Z0|| reached (for the run record).</summary>
    public static double Rescale(Linear logitLayer, Func<Tensor> probeLogits, double beta, double target)
    {
        Inputs.Beta(beta);
        Inputs.LogitScale(target);
        using var noGrad = no_grad();
        double before = Measure(probeLogits, beta);
        if (!(before > 0) || !double.IsFinite(before))
            throw new InvalidOperationException($"cannot rescale the logits to ||Z0|| = {target}: at initialization ||Z0|| is {before}");
        double s = target / before;
        logitLayer.weight.mul_(s);
        logitLayer.bias?.mul_(s);
        return Measure(probeLogits, beta);
    }

    static double Measure(Func<Tensor> probeLogits, double beta)
    {
        using var scope = NewDisposeScope();
        return LogitNorm.Rms(probeLogits() * beta);
    }
}
