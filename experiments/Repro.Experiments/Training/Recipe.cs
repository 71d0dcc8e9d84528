using System.Text.Json.Serialization;
using Repro.Dynamics;
using Repro.Torch;
using Repro.Torch.Optim;

namespace Repro.Experiments;

/// <summary>The shape of the learning rate over training.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Schedule>))]
public enum Schedule
{
    [JsonStringEnumMemberName("constant")] Constant,
    /// <summary>Cosine decay to 0 at the last step.</summary>
    [JsonStringEnumMemberName("cosine")] Cosine,
    /// <summary>Multiplied by <see cref="Recipe.Gamma"/> at each of <see cref="Recipe.Milestones"/>.</summary>
    [JsonStringEnumMemberName("step")] Step,
}

/// <summary>Where a recipe trains. A GPU's index is chosen outside (CUDA_VISIBLE_DEVICES, `repro sweep --gpus`).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RecipeDevice>))]
public enum RecipeDevice
{
    [JsonStringEnumMemberName("cpu")] Cpu,
    [JsonStringEnumMemberName("cuda")] Cuda,
}

/// <summary>How weight decay enters the eta~ parametrization (<see cref="Recipe.WeightDecayScaling"/>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<WeightDecayScaling>))]
public enum WeightDecayScaling
{
    [JsonStringEnumMemberName("fixed")] Fixed,
    [JsonStringEnumMemberName("off")] Off,
    [JsonStringEnumMemberName("beta2")] Beta2,
}

/// <summary>
/// How a model experiment trains, one per tier, serialized into every cell's configuration (so
/// changing a value changes the cell's hash). The defaults are a short CPU run (constant rate, SGD
/// momentum 0.9, no weight decay, evaluated at the end, no checkpoints, no kernel); a tier states
/// the rest and what differs. The learning rate is not here: it is the grid's.
/// </summary>
public sealed record Recipe
{
    public required int BatchSize { get; init; }
    public required long Steps { get; init; }
    public double Momentum { get; init; } = 0.9;
    public double WeightDecay { get; init; }
    public Schedule Schedule { get; init; } = Schedule.Constant;
    /// <summary>Step schedule: fractions of Steps where the rate is multiplied by Gamma.</summary>
    public double[] Milestones { get; init; } = [];
    public double Gamma { get; init; } = 1;
    /// <summary>Random crop and flip (images).</summary>
    public bool Augment { get; init; }
    /// <summary>Training means and progress (the probes have their own schedule, Probes).</summary>
    public required long LogEvery { get; init; }
    /// <summary>Test loss and accuracy (0: at the end only).</summary>
    public long EvalEvery { get; init; }
    /// <summary>0: none (a killed cell starts over).</summary>
    public long CheckpointEvery { get; init; }
    /// <summary>THEORY.md's fixed probe batch.</summary>
    public required int ProbeExamples { get; init; }
    /// <summary>Empirical NTK on this many probe examples (0: off).</summary>
    public int NtkExamples { get; init; }
    public RecipeDevice Device { get; init; } = RecipeDevice.Cpu;

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
    /// How weight decay enters the eta~ parametrization: fixed (WeightDecay at every beta, the standard
    /// recipe: the per-step shrink eta wd = eta~ wd / beta^2 then grows 1e6-fold from beta = 10 to 1e-2
    /// at fixed eta~), off (none), or beta2 (WeightDecay beta^2, so that eta wd = eta~ wd at every
    /// beta: weight decay stays inside the parametrization in which runs at equal eta~ coincide).
    /// </summary>
    public WeightDecayScaling WeightDecayScaling { get; init; } = WeightDecayScaling.Fixed;

    /// <summary>cuDNN autotuning, cuDNN determinism and TF32 on a GPU (CudaPolicy's defaults: the
    /// paper's fp32, repeatable). Written out only where a tier runs on cuda, so that CPU tiers'
    /// configurations (and their goldens) do not carry settings that cannot apply to them; a CPU
    /// tier moved to a GPU with --set recipe.device=cuda runs with the defaults.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public CudaPolicy? Cuda { get; init; }

    /// <summary>Label smoothing, Noisy Softmax, early or late dropout on top of the beta cross-entropy (all off by default).</summary>
    [OmittedAtDefaults]
    public Cure Cure { get; init; } = new();

    /// <summary>What is wrong with the recipe (names under recipe.).</summary>
    public SettingProblems Check(SettingProblems problems)
    {
        problems.Positive("recipe.batchSize", BatchSize).Positive("recipe.steps", Steps).Positive("recipe.logEvery", LogEvery)
            .NotNegative("recipe.evalEvery", EvalEvery).NotNegative("recipe.checkpointEvery", CheckpointEvery)
            .Positive("recipe.probeExamples", ProbeExamples).NotNegative("recipe.ntkExamples", NtkExamples)
            .Require(NtkExamples <= ProbeExamples, "recipe.ntkExamples", NtkExamples, $"the kernel is measured on probe examples: at most recipe.probeExamples = {ProbeExamples}")
            .Within("recipe.momentum", Momentum, 0, 0.999).NotNegative("recipe.weightDecay", WeightDecay)
            .Require(NtkSeeds is null or >= 0, "recipe.ntkSeeds", NtkSeeds ?? 0, "must be >= 0 (or null: every seed)");
        Cure.Check(problems, Steps);
        if (Schedule == Schedule.Step)
        {
            problems.Positive("recipe.gamma", Gamma)
                .Require(Milestones.Length > 0 && Milestones.All(f => f > 0 && f < 1), "recipe.milestones", Milestones, "fractions of the run in (0, 1) (the step schedule needs at least one)");
            long[] at = Milestones.Select(f => (long)Math.Round(f * Steps)).ToArray();
            if (Steps > 0 && at.Length > 0 && (at.Zip(at.Skip(1)).Any(p => p.Second <= p.First) || at[0] <= 0 || at[^1] >= Steps))
                problems.Add($"recipe.milestones = {SettingProblems.Text(Milestones)} of recipe.steps = {Steps} fall on steps {SettingProblems.Text(at)}: " +
                             "they must be distinct steps inside the run (more steps, or fewer milestones)");
        }
        return problems;
    }

    /// <summary>The same recipe on a GPU, with CudaPolicy's defaults written into the configuration.</summary>
    public Recipe OnCuda() => this with { Device = RecipeDevice.Cuda, Cuda = new() };

    /// <summary>The weight decay of a cell at <paramref name="beta"/>.</summary>
    public double WeightDecayAt(double beta) => WeightDecayScaling switch
    {
        WeightDecayScaling.Fixed => WeightDecay,
        WeightDecayScaling.Off => 0,
        WeightDecayScaling.Beta2 => WeightDecay * beta * beta,
        _ => throw new ArgumentOutOfRangeException(nameof(WeightDecayScaling), WeightDecayScaling, null),
    };

    /// <summary>The shape of the learning rate (lr = 1; the trainer multiplies it by eta).</summary>
    public LearningRateSchedule ScheduleShape() => Schedule switch
    {
        Schedule.Constant => new ConstantSchedule(1),
        Schedule.Cosine => new CosineSchedule(1, Steps),
        Schedule.Step => new StepSchedule(1, Gamma, Milestones.Select(f => (long)Math.Round(f * Steps)).ToArray()),
        _ => throw new ArgumentOutOfRangeException(nameof(Schedule), Schedule, null),
    };

    public Device TorchDevice() => Device == RecipeDevice.Cuda ? Repro.Torch.Device.CUDA : Repro.Torch.Device.CPU;
}
