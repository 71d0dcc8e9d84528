using Repro.Dynamics;
using Repro.Training;

namespace Repro.Experiments;

/// <summary>
/// The cures for early softmax saturation that act where beta acts (seeds/001), added to a run's
/// beta cross-entropy: label smoothing, Noisy Softmax, early or late dropout. Each is off by
/// default and they compose. Set with `--set recipe.cure.noisyAlpha=0.1` and the like; a recipe
/// whose cure is all off writes none into its configuration (<see cref="OmittedAtDefaultsAttribute"/>),
/// so the records and goldens made before cures existed keep their hashes.
/// </summary>
public sealed record Cure
{
    /// <summary>Label smoothing of the training loss (0: off); probes and evaluations stay the NLL.</summary>
    public double LabelSmoothing { get; init; }

    /// <summary>Noisy Softmax's alpha at step 0 (0: off): the target logit f_y becomes f_y - alpha |f_y| |n|.</summary>
    public double NoisyAlpha { get; init; }

    /// <summary>The fraction of the run over which alpha falls linearly to 0 (ours: the whole run).</summary>
    public double NoisyAnneal { get; init; } = 1;

    /// <summary>When the model's own dropout (its `dropout` setting) is on: the whole run, early
    /// (before <see cref="DropoutSwitch"/>) or late (from it on).</summary>
    public DropoutPhase DropoutPhase { get; init; } = DropoutPhase.Whole;

    /// <summary>The fraction of the run where early dropout ends or late dropout starts (ours: 0.2,
    /// early dropout's "initial phase" of training; the paper's epochs do not transfer to our runs).</summary>
    public double DropoutSwitch { get; init; } = 0.2;

    public long DropoutSwitchStep(long steps) => (long)Math.Round(DropoutSwitch * steps);

    public NoisySoftmax? NoisySoftmax(long steps) =>
        NoisyAlpha > 0 ? new NoisySoftmax(NoisyAlpha, Math.Max(1, (long)Math.Round(NoisyAnneal * steps))) : null;

    /// <summary>What is wrong with the cure (names under recipe.cure.), for a run of <paramref name="steps"/>.</summary>
    public SettingProblems Check(SettingProblems problems, long steps)
    {
        problems.Require(LabelSmoothing is >= 0 and < 1, "recipe.cure.labelSmoothing", LabelSmoothing, "must be in [0, 1) (0: off)")
            .Require(NoisyAlpha >= 0 && double.IsFinite(NoisyAlpha), "recipe.cure.noisyAlpha", NoisyAlpha, "must be a finite number >= 0 (0: off)")
            .Require(NoisyAnneal is > 0 and <= 1, "recipe.cure.noisyAnneal", NoisyAnneal, "must be a fraction of the run in (0, 1]");
        if (DropoutPhase != DropoutPhase.Whole)
        {
            long at = DropoutSwitchStep(steps);
            problems.Require(DropoutSwitch is > 0 and < 1 && (steps <= 0 || (at > 0 && at < steps)), "recipe.cure.dropoutSwitch", DropoutSwitch,
                $"must be a fraction of the run in (0, 1) that falls on a step inside it (recipe.steps = {steps})");
        }
        return problems;
    }
}
