using Repro.Torch;
using static Repro.Torch.torch;

namespace Repro.Dynamics;

/// <summary>
/// The one measurement path of THEORY.md's per-run quantities ("Quantities every run measures"),
/// whichever loop trains (the Trainer, the theory checks' full-batch runs, the logistic-regression
/// demo): at each probe step it records, on the probe batch, the curves
/// <list type="bullet">
/// <item><c>r</c> = ||Z_t - Z_0|| / ||Z_0||, <c>entropy</c> (mean softmax entropy) and <c>probe_loss</c> (the loss L);</item>
/// <item><c>rho</c> = ||Z_t - Z_t^lin|| / ||Z_t - Z_0||, where a linearized model runs beside the network;</item>
/// <item><c>ntk_change</c> = ||Theta_t - Theta_0|| / ||Theta_0||, where the tangent kernel is tracked;</item>
/// <item><c>entropy_change</c> and <c>entropy_change_cov</c>, where a loop measures the update from a
/// probe step to the next step: the change of the mean entropy and its first-order prediction
/// -Cov(ln p, dZ) (<see cref="EntropyCovariance"/>), both at the step the update starts from;</item>
/// </list>
/// into the run's curves, and from them the timescales by one crossing rule (<see cref="Crossing"/>):
/// <c>t_learn</c> (r reaches 0.5), <c>t_nl_rho</c> and <c>t_nl_ntk</c> (rho or the kernel change
/// reaches 0.1), each measured between two probes or censored.
/// </summary>
public sealed class ProbeLog(IDictionary<string, Curve> curves)
{
    public const double LearnedLevel = 0.5;    // t_learn: r(t) = 0.5
    public const double NonlinearLevel = 0.1;  // t_nl: rho or the relative kernel change = 0.1

    public const string R = "r", Entropy = "entropy", Loss = "probe_loss", Rho = "rho", NtkChange = "ntk_change";
    public const string EntropyChange = "entropy_change", EntropyChangeCov = "entropy_change_cov";

    /// <summary>The curve <paramref name="name"/> (one of the constants) as recorded so far.</summary>
    public Curve Curve(string name) => curves.TryGetValue(name, out var c) ? c : curves[name] = new Curve();

    /// <summary>r, entropy and loss at <paramref name="step"/> from the probe batch's scaled logits Z = beta z.</summary>
    public void Logits(long step, Tensor scaledLogits, Tensor z0, Tensor labels)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Curve(R).Add(step, Probes.RelativeChange(scaledLogits, z0));
        Curve(Entropy).Add(step, Probes.Entropy(scaledLogits));
        Curve(Loss).Add(step, BetaCrossEntropy.Loss(scaledLogits, labels, beta: 1).item());
    }

    /// <summary>rho at <paramref name="step"/>, from Z_t, the linearized model's Z_t^lin (both scaled) and Z_0; 0 at step 0.</summary>
    public void Linearized(long step, Tensor scaledLogits, Tensor scaledLinearLogits, Tensor z0)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        double moved = (scaledLogits - z0).norm().item();
        Curve(Rho).Add(step, moved > 0 ? (scaledLogits - scaledLinearLogits).norm().item() / moved : 0);
    }

    /// <summary>The relative kernel change at <paramref name="step"/>.</summary>
    public void Ntk(long step, Tensor theta, Tensor theta0) => Curve(NtkChange).Add(step, EmpiricalNtk.RelativeChange(theta, theta0));

    /// <summary>The update from <paramref name="step"/> to the next: the measured change of the mean
    /// entropy and the covariance law's prediction, from the scaled logits before and after it.</summary>
    public void Update(long step, Tensor scaledBefore, Tensor scaledAfter)
    {
        Curve(EntropyChange).Add(step, EntropyCovariance.Measured(scaledBefore, scaledAfter));
        Curve(EntropyChangeCov).Add(step, EntropyCovariance.Predicted(scaledBefore, scaledAfter));
    }

    /// <summary>t_saturate: the first step where the mean entropy falls to ln K / 2, half its value
    /// at uniform predictions (early saturation, seeds/001), by the crossing rule of the other
    /// timescales (measured between two probes, or censored); none for a diverged run.</summary>
    public void WriteSaturation(IDictionary<string, double> scalars, IDictionary<string, string> notes, long classes, bool diverged)
    {
        if (!curves.TryGetValue(Entropy, out var entropy) || entropy.Values.Count == 0) return;
        if (diverged)
        {
            notes["t_saturate"] = "none: the run diverged";
            return;
        }
        double level = Math.Log(classes) / 2;
        // Falling to the level is the negated curve rising to it.
        var crossing = Crossing.Of(entropy.Steps, entropy.Values.Select(v => -v).ToList(), -level);
        crossing.WriteTo(scalars, "t_saturate");
        notes["t_saturate"] = $"{crossing} (mean entropy falls to ln {classes} / 2 = {level:0.###})";
    }

    /// <summary>How well the covariance law held over the updates measured: the ratio of measured to
    /// predicted entropy change per update (those with a prediction of exactly 0 left out), its
    /// median, quartiles and count, as entropy_cov_ratio_median, _q25, _q75 and entropy_cov_updates.</summary>
    public void WriteEntropyLaw(IDictionary<string, double> scalars, IDictionary<string, string> notes)
    {
        if (!curves.TryGetValue(EntropyChange, out var measured) || measured.Values.Count == 0) return;
        var predicted = curves[EntropyChangeCov];
        var ratios = measured.Values.Zip(predicted.Values).Where(p => p.Second != 0).Select(p => p.First / p.Second).Order().ToList();
        int left = measured.Values.Count - ratios.Count;
        scalars["entropy_cov_updates"] = ratios.Count;
        if (ratios.Count == 0)
        {
            notes["entropy_cov"] = $"no update with a nonzero prediction among {measured.Values.Count}";
            return;
        }
        scalars["entropy_cov_ratio_median"] = Quantile(ratios, 0.5);
        scalars["entropy_cov_ratio_q25"] = Quantile(ratios, 0.25);
        scalars["entropy_cov_ratio_q75"] = Quantile(ratios, 0.75);
        notes["entropy_cov"] = $"measured / predicted entropy change (dH = -Cov(ln p, dZ), first order) over the {ratios.Count} updates " +
            "that start at a probe step, on the probe batch" + (left > 0 ? $"; {left} with a prediction of exactly 0 left out" : "");
    }

    // Linear interpolation between order statistics (the usual "type 7" quantile).
    static double Quantile(IReadOnlyList<double> sorted, double q)
    {
        double at = q * (sorted.Count - 1);
        int below = (int)Math.Floor(at);
        return below + 1 < sorted.Count ? sorted[below] + (at - below) * (sorted[below + 1] - sorted[below]) : sorted[below];
    }

    /// <summary>The timescales of the curves recorded, under their THEORY.md names.</summary>
    public IReadOnlyList<(string Name, Crossing Crossing)> Timescales()
    {
        var found = new List<(string, Crossing)>();
        foreach (var (curve, level, name) in new[] { (R, LearnedLevel, "t_learn"), (Rho, NonlinearLevel, "t_nl_rho"), (NtkChange, NonlinearLevel, "t_nl_ntk") })
            if (curves.TryGetValue(curve, out var c) && c.Values.Count > 0)
                found.Add((name, Crossing.Of(c, level)));
        return found;
    }

    /// <summary>Writes every timescale into <paramref name="scalars"/> (<see cref="Crossing.WriteTo"/>)
    /// and a readable line into <paramref name="notes"/>. A diverged run gets none: its curves stop
    /// where its loss became NaN, so a crossing not reached by then is no bound on anything.</summary>
    public void WriteTimescales(IDictionary<string, double> scalars, IDictionary<string, string> notes, bool diverged)
    {
        foreach (var (name, crossing) in Timescales())
        {
            if (diverged)
            {
                notes[name] = "none: the run diverged";
                continue;
            }
            crossing.WriteTo(scalars, name);
            notes[name] = crossing.ToString();
        }
    }
}
