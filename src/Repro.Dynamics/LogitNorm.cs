using Repro.Torch;
using static Repro.Torch.torch;

namespace Repro.Dynamics;

/// <summary>THEORY.md's size of a batch of logits: ||Z|| = sqrt(mean over examples of ||Z(x)||_2^2).</summary>
public static class LogitNorm
{
    public static double Rms(Tensor z)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return Math.Sqrt(z.pow(2).sum([1]).mean().item());
    }
}
