using System.Text.Json.Serialization;
using Repro.Dynamics;
using Repro.Torch;
using Repro.Torch.Optim;

namespace Repro.Training;

/// <summary>
/// How a <see cref="Trainer"/> runs: plain typed settings with defaults. The defaults are plain
/// gradient steps (no momentum, no weight decay: the update THEORY.md is about); an experiment
/// states the paper's optimizer settings itself. <see cref="Validate"/> names the bad option.
/// </summary>
public sealed record TrainerOptions
{
    /// <summary>Inverse temperature beta of the loss, softmax(beta z).</summary>
    public double Beta { get; init; } = 1;

    /// <summary>The learning rate eta itself (a grid in eta~ = eta beta^2 passes eta~ / beta^2).</summary>
    public required double Eta { get; init; }

    /// <summary>The shape of the learning rate over steps, built with lr = 1: the rate at step t
    /// is Eta * Schedule.At(t).</summary>
    public LearningRateSchedule Schedule { get; init; } = new ConstantSchedule(1);

    public double Momentum { get; init; }
    public bool Nesterov { get; init; }
    public double WeightDecay { get; init; }

    /// <summary>Label smoothing of the training loss only; probe and test losses are THEORY.md's L.</summary>
    public double LabelSmoothing { get; init; }

    /// <summary>Noisy Softmax on the training loss (null: off); its draws come from <see cref="Trainer.NoiseGenerator"/>.</summary>
    public NoisySoftmax? NoisySoftmax { get; init; }

    /// <summary>When the model's dropout is on while training: the whole run, before
    /// <see cref="DropoutSwitch"/> only (early dropout) or from it on (late dropout).</summary>
    public DropoutPhase DropoutPhase { get; init; } = DropoutPhase.Whole;

    /// <summary>The step at which early dropout ends and late dropout starts.</summary>
    public long DropoutSwitch { get; init; }

    /// <summary>Optimizer steps in all.</summary>
    public required long Steps { get; init; }

    /// <summary>The training means (and progress) every LogEvery steps and at the last step. The
    /// probe quantities have their own schedule, <see cref="Probes"/>.</summary>
    public long LogEvery { get; init; } = 10;

    /// <summary>Where r, entropy and the probe loss are measured, and so where t_learn is resolved.</summary>
    public ProbeSchedule Probes { get; init; } = new();

    /// <summary>Where the tangent kernel is measured (when NtkExamples > 0), and so where t_nl_ntk is
    /// resolved; sparser than <see cref="Probes"/> by default, as a kernel costs NtkExamples x classes
    /// backward passes.</summary>
    public ProbeSchedule NtkProbes { get; init; } = new(Dense: 2, Ratio: 2);

    /// <summary>Test loss and accuracy every EvalEvery steps, step 0 included; 0: at the end only.</summary>
    public long EvalEvery { get; init; }

    /// <summary>A checkpoint every CheckpointEvery steps; 0: none.</summary>
    public long CheckpointEvery { get; init; }

    /// <summary>Where the checkpoint lives (one file, <see cref="CheckpointPath"/>); one folder per cell.</summary>
    public string? CheckpointDirectory { get; init; }

    /// <summary>The hash of the cell's whole configuration: a checkpoint written under another hash
    /// is never resumed.</summary>
    public string ConfigHash { get; init; } = "";

    /// <summary>Target ||Z0|| on the probe batch, reached by rescaling the logit layer
    /// (<see cref="Repro.Dynamics.LogitScale"/>); null: the model's own initialization.</summary>
    public double? LogitScale { get; init; }

    /// <summary>Probe examples whose empirical NTK is tracked (its relative change and t_nl_ntk); 0: off.
    /// Costs examples x classes single-example backward passes per kernel probe.</summary>
    public int NtkExamples { get; init; }

    public Device Device { get; init; } = Device.CPU;

    /// <summary>cuDNN and TF32 on a CUDA device (set before the first step); ignored on the CPU.</summary>
    public CudaPolicy Cuda { get; init; } = new();

    public string? CheckpointPath => CheckpointDirectory is null ? null : Checkpoint.PathIn(CheckpointDirectory);

    /// <summary>Throws an ArgumentException that names the first bad option and what it accepts.</summary>
    public void Validate()
    {
        Inputs.Beta(Beta);
        Inputs.LearningRate(Eta, nameof(Eta));
        if (LogitScale is { } target) Inputs.LogitScale(target);
        double shapeLr = Schedule switch
        {
            null => throw Bad(nameof(Schedule), "must be set (the default is constant)"),
            ConstantSchedule c => c.Lr,
            StepSchedule s => s.Lr,
            CosineSchedule c => c.Lr,
            _ => 1,
        };
        if (shapeLr != 1)
            throw Bad(nameof(Schedule), $"is the shape of the learning rate, multiplied by Eta: build it with lr = 1 (it has lr = {shapeLr})");
        if (!(Momentum >= 0 && Momentum < 1)) throw Bad(nameof(Momentum), $"must be in [0, 1); got {Momentum}");
        if (Nesterov && Momentum == 0) throw Bad(nameof(Nesterov), "needs Momentum > 0");
        if (!(WeightDecay >= 0) || double.IsInfinity(WeightDecay)) throw Bad(nameof(WeightDecay), $"must be a finite number >= 0; got {WeightDecay}");
        if (!(LabelSmoothing >= 0 && LabelSmoothing < 1)) throw Bad(nameof(LabelSmoothing), $"must be in [0, 1); got {LabelSmoothing}");
        if (Steps < 1) throw Bad(nameof(Steps), $"must be >= 1; got {Steps}");
        try
        {
            NoisySoftmax?.Validate();
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw Bad(nameof(NoisySoftmax), e.Message);
        }
        if (DropoutPhase != DropoutPhase.Whole && !(DropoutSwitch >= 0 && DropoutSwitch <= Steps))
            throw Bad(nameof(DropoutSwitch), $"must be a step of the run, 0 to {Steps}; got {DropoutSwitch}");
        if (LogEvery < 1) throw Bad(nameof(LogEvery), $"must be >= 1; got {LogEvery}");
        try
        {
            Probes.Validate();
            NtkProbes.Validate();
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw Bad(nameof(Probes), e.Message);
        }
        if (EvalEvery < 0) throw Bad(nameof(EvalEvery), $"must be >= 0 (0: evaluate at the end only); got {EvalEvery}");
        if (CheckpointEvery < 0) throw Bad(nameof(CheckpointEvery), $"must be >= 0 (0: no checkpoints); got {CheckpointEvery}");
        if (CheckpointEvery > 0 && string.IsNullOrWhiteSpace(CheckpointDirectory))
            throw Bad(nameof(CheckpointDirectory), $"must be set when CheckpointEvery = {CheckpointEvery}");
        if (CheckpointEvery > 0 && string.IsNullOrEmpty(ConfigHash))
            throw Bad(nameof(ConfigHash), "must name the configuration when checkpointing, so that no run resumes another configuration's checkpoint");
        if (NtkExamples < 0) throw Bad(nameof(NtkExamples), $"must be >= 0 (0: off); got {NtkExamples}");
        if (Device.Type == DeviceType.CUDA && torch.cuda.device_count() <= Math.Max(0, Device.Index))
            throw Bad(nameof(Device), $"is {Device} but this libtorch ({TorchRuntime.Version}) " +
                (TorchRuntime.CudaBuilt ? $"sees {torch.cuda.device_count()} GPU(s)" : "was built without CUDA") +
                "; use cpu, or a machine with a GPU and a CUDA libtorch (LIBTORCH)");
    }

    static ArgumentException Bad(string option, string what) => new($"trainer option {option} {what}", option);
}

/// <summary>When a model's dropout is on while training (Liu et al. 2023, "Dropout reduces underfitting"; seeds/001).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DropoutPhase>))]
public enum DropoutPhase
{
    /// <summary>The whole run (plain dropout).</summary>
    [JsonStringEnumMemberName("whole")] Whole,
    /// <summary>Before the switch step only: against underfitting.</summary>
    [JsonStringEnumMemberName("early")] Early,
    /// <summary>From the switch step on: against overfitting.</summary>
    [JsonStringEnumMemberName("late")] Late,
}
