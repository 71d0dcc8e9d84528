using Repro.Torch;
using static Repro.Torch.torch;

namespace Repro.Dynamics;

/// <summary>The per-step quantities of THEORY.md measured on the probe batch.</summary>
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

    /// <summary>The first step where the curve reaches <paramref name="level"/>, linearly
    /// interpolated between the two logged steps around the crossing; NaN if it never does.
    /// t_learn is this for r(t) and level 0.5.</summary>
    public static double Crossing(IReadOnlyList<long> steps, IReadOnlyList<double> values, double level)
    {
        if (steps.Count != values.Count) throw new ArgumentException($"{steps.Count} steps for {values.Count} values");
        for (int i = 0; i < values.Count; i++)
        {
            if (!(values[i] >= level)) continue;
            if (i == 0) return steps[0];
            double fraction = (level - values[i - 1]) / (values[i] - values[i - 1]);
            return steps[i - 1] + fraction * (steps[i] - steps[i - 1]);
        }
        return double.NaN;
    }

    /// <summary>Slope of log y against log x by least squares (timescale and learning-rate laws).</summary>
    public static double LogLogSlope(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        if (x.Count != y.Count || x.Count < 2) throw new ArgumentException("a slope needs at least two (x, y) pairs");
        var lx = x.Select(v => Math.Log(v)).ToArray();
        var ly = y.Select(v => Math.Log(v)).ToArray();
        double mx = lx.Average(), my = ly.Average();
        double sxy = lx.Zip(ly, (a, b) => (a - mx) * (b - my)).Sum(), sxx = lx.Sum(a => (a - mx) * (a - mx));
        return sxy / sxx;
    }
}
