using Repro.Torch;
using static Repro.Torch.torch;

namespace Repro.Dynamics;

/// <summary>
/// Noisy Softmax (Chen, Deng and Du 2017; seeds/001): annealed noise injected into the target
/// logit so that the softmax saturates later. With f = beta z the logits the softmax sees, the
/// training loss is the cross-entropy of f' where f'_y = f_y - alpha |f_y| |n|, n ~ N(0, 1) drawn
/// per example, and every other logit is unchanged. alpha starts at <see cref="Alpha"/> and falls
/// linearly to 0 at step <see cref="AnnealSteps"/>, then stays 0 (the linear schedule is ours: the
/// paper anneals the noise, and we do not reproduce its exact form). Probes, evaluation and the
/// reported losses stay THEORY.md's L, without noise.
/// </summary>
public sealed record NoisySoftmax(double Alpha, long AnnealSteps)
{
    /// <summary>alpha at <paramref name="step"/>: Alpha (1 - step / AnnealSteps) before AnnealSteps, 0 from then on.</summary>
    public double AlphaAt(long step) => step >= AnnealSteps ? 0 : Alpha * (1 - (double)step / AnnealSteps);

    /// <summary>The loss at noise level <paramref name="alpha"/> with the standard normal draws
    /// <paramref name="noise"/> (one per example); at alpha = 0, <see cref="BetaCrossEntropy.Loss"/>.</summary>
    public static Tensor Loss(Tensor z, Tensor labels, double beta, double alpha, Tensor noise, double labelSmoothing = 0)
    {
        if (!(alpha >= 0) || double.IsInfinity(alpha)) throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "the noise level alpha must be a finite number >= 0");
        if (alpha == 0) return BetaCrossEntropy.Loss(z, labels, beta, labelSmoothing);
        using var scope = NewDisposeScope();
        long k = z.shape[1];
        Tensor target = arange(k, device: labels.device).unsqueeze(0).eq(labels.unsqueeze(1)).to(z.dtype);
        Tensor f = z * beta;
        // Only the target entry of each row moves: -alpha |f_y| |n| there, 0 elsewhere.
        Tensor noisy = f - target * f.abs() * noise.abs().to(z.dtype).unsqueeze(1) * alpha;
        return BetaCrossEntropy.Loss(noisy, labels, beta: 1, labelSmoothing).MoveToOuterDisposeScope();
    }

    /// <summary>Throws an ArgumentException naming the bad field.</summary>
    public void Validate()
    {
        if (!(Alpha >= 0) || double.IsInfinity(Alpha)) throw new ArgumentOutOfRangeException(nameof(Alpha), Alpha, "Noisy Softmax's alpha must be a finite number >= 0");
        if (AnnealSteps < 1) throw new ArgumentOutOfRangeException(nameof(AnnealSteps), AnnealSteps, "Noisy Softmax's annealing must last at least 1 step");
    }

    public override string ToString() => $"Noisy Softmax: alpha {Alpha} at step 0, falling linearly to 0 at step {AnnealSteps}";
}
