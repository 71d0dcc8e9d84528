using System.Text.Json.Serialization;
using Repro.Dynamics;
using Repro.Torch;
using Repro.Torch.Optim;

namespace Repro.Experiments;

/// <summary>
/// How a model experiment trains, one record per tier, serialized into every cell's configuration
/// (so changing a value changes the cell's hash). The learning rate is not here: it is the grid's.
/// </summary>
public sealed record Recipe(
    int BatchSize,
    long Steps,
    double Momentum,
    double WeightDecay,
    string Schedule,          // constant | cosine | step (Gamma at the fractions Milestones of Steps)
    double[] Milestones,      // step schedule: fractions of Steps where the rate is multiplied by Gamma
    double Gamma,
    bool Augment,             // random crop and flip (images)
    long LogEvery,            // training means and progress (the probes have their own schedule, Probes)
    long EvalEvery,           // test loss and accuracy (0: at the end only)
    long CheckpointEvery,     // 0: none (a killed cell starts over)
    int ProbeExamples,        // THEORY.md's fixed probe batch
    int NtkExamples,          // empirical NTK on this many probe examples (0: off)
    string Device)            // cpu | cuda
{
    /// <summary>Where r, entropy and the probe loss are measured (t_learn's resolution): every step
    /// to 4, then x sqrt(2), whatever LogEvery is.</summary>
    public ProbeSchedule Probes { get; init; } = new();

    /// <summary>Where the tangent kernel is measured (t_nl_ntk's resolution): every step to 2, then x2.</summary>
    public ProbeSchedule NtkProbes { get; init; } = new(Dense: 2, Ratio: 2);

    /// <summary>The kernel is measured on seeds below this (null: every seed). The kernel is a
    /// timescale of a configuration; the seeds beyond replicate accuracies for the claims' intervals,
    /// and on a WRN with batch norm the kernel costs two thirds of a Short cell.</summary>
    public int? NtkSeeds { get; init; }

    /// <summary>
    /// How weight decay enters the eta~ parametrization: "fixed" (WeightDecay at every beta, the standard
    /// recipe: the per-step shrink eta wd = eta~ wd / beta^2 then grows 1e6-fold from beta = 10 to 1e-2
    /// at fixed eta~), "off" (none), or "beta2" (WeightDecay beta^2, so that eta wd = eta~ wd at every
    /// beta: weight decay stays inside the parametrization in which runs at equal eta~ coincide).
    /// </summary>
    public string WeightDecayScaling { get; init; } = "fixed";

    /// <summary>cuDNN autotuning, cuDNN determinism and TF32 on a GPU (CudaPolicy's defaults: the
    /// paper's fp32, repeatable). Written out only where a tier runs on cuda, so that CPU tiers'
    /// configurations (and their goldens) do not carry settings that cannot apply to them; a CPU
    /// tier moved to a GPU with --set recipe.device=cuda runs with the defaults.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public CudaPolicy? Cuda { get; init; }

    /// <summary>The weight decay of a cell at <paramref name="beta"/>.</summary>
    public double WeightDecayAt(double beta) => WeightDecayScaling switch
    {
        "fixed" => WeightDecay,
        "off" => 0,
        "beta2" => WeightDecay * beta * beta,
        _ => throw new ArgumentException($"recipe weightDecayScaling '{WeightDecayScaling}' is not fixed, off or beta2", nameof(WeightDecayScaling)),
    };

    /// <summary>The shape of the learning rate (lr = 1; the trainer multiplies it by eta).</summary>
    public LearningRateSchedule ScheduleShape() => Schedule switch
    {
        "constant" => new ConstantSchedule(1),
        "cosine" => new CosineSchedule(1, Steps),
        "step" => new StepSchedule(1, Gamma, Milestones.Select(f => (long)Math.Round(f * Steps)).ToArray()),
        _ => throw new ArgumentException($"recipe schedule '{Schedule}' is not constant, cosine or step", nameof(Schedule)),
    };

    public Device TorchDevice() => Repro.Torch.Device.Parse(Device);
}
