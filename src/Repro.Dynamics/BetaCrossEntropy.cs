using Repro.Torch;
using static Repro.Torch.torch;

namespace Repro.Dynamics;

/// <summary>
/// The paper's loss: softmax cross-entropy of the scaled logits Z = beta z, averaged over the M
/// examples of the batch: L = -(1/M) sum_x ln softmax_y(x)(beta z(x)).
/// </summary>
public static class BetaCrossEntropy
{
    public static Tensor Loss(Tensor z, Tensor labels, double beta, double labelSmoothing = 0)
    {
        Inputs.Beta(beta);
        if (!(labelSmoothing >= 0 && labelSmoothing < 1))
            throw new ArgumentOutOfRangeException(nameof(labelSmoothing), labelSmoothing, "label smoothing must be in [0, 1)");
        using var scope = NewDisposeScope();
        return nn.functional.cross_entropy(z * beta, labels, label_smoothing: labelSmoothing).MoveToOuterDisposeScope();
    }

    /// <summary>THEORY.md's exact gradient with respect to the logits:
    /// dL/dz(x) = (beta / M) (softmax(beta z(x)) - Y(x)), Y one-hot.</summary>
    public static Tensor LogitGradient(Tensor z, Tensor labels, double beta)
    {
        using var scope = NewDisposeScope();
        long m = z.shape[0], k = z.shape[1];
        Tensor oneHot = arange(k).unsqueeze(0).eq(labels.unsqueeze(1)).to(z.dtype);
        return ((z * beta).softmax(1) - oneHot).mul(beta / m).MoveToOuterDisposeScope();
    }
}
