using Repro.Dynamics;
using Repro.Harness;
using Repro.Models;
using Repro.Torch;
using Repro.Training;

namespace Repro.Experiments;

/// <summary>The settings every model experiment has: how it trains.</summary>
public interface IModelSettings
{
    Recipe Recipe { get; }
}

/// <summary>
/// What the model experiments (WRN, ResNet-50, GRU) share: a tier's requirements (its recipe's
/// device and its dataset) checked before a cell builds anything, the Trainer with the cell's beta,
/// eta and ||Z0|| and the tier's recipe, its checkpoint in the cell's folder of the result store (a
/// killed Full cell resumes), THEORY.md's pinned quantities and their tolerance, and a claims
/// summary in every tier. An experiment says what data its settings read and how a cell builds its
/// data and model (<see cref="RunCell"/>).
/// </summary>
public abstract class ModelExperiment<TSettings> : Experiment<TSettings>, IHasRequirements where TSettings : IModelSettings
{
    /// <summary>The files the settings' dataset reads (null: synthetic, made from the seed).</summary>
    protected abstract DataNeed? DataNeed(TSettings settings);

    /// <summary>Builds the cell's data and model and trains it with <see cref="Train"/>.</summary>
    protected abstract RunResult RunCell(CellContext context, TSettings settings);

    /// <summary>What is wrong with the settings besides the recipe (data sizes, model shape).</summary>
    protected abstract SettingProblems CheckDataAndModel(TSettings settings, SettingProblems problems);

    /// <summary>The model's dropout rate under these settings; null: the model has no dropout layer.</summary>
    protected virtual double? DropoutRate(TSettings settings) => null;

    protected sealed override SettingProblems Check(TSettings settings)
    {
        var problems = settings.Recipe.Check([]);
        var phase = settings.Recipe.Cure.DropoutPhase;
        if (phase != DropoutPhase.Whole)
            problems.Require(DropoutRate(settings) > 0, "recipe.cure.dropoutPhase", phase.ToString().ToLowerInvariant(), DropoutRate(settings) is null
                ? $"switches the model's dropout, and {Name}'s model has none"
                : "switches the model's dropout on and off, which is 0 here: set dropout too (e.g. --set dropout=0.1)");
        return CheckDataAndModel(settings, problems);
    }

    public override IReadOnlyList<DataNeed> DataNeeds(Tier tier) => DataNeed(Settings(tier)) is { } need ? [need] : [];

    public RecipeDevice Device(Tier tier) => Settings(tier).Recipe.Device;

    /// <summary>The settings of a cure comparison's cell: <paramref name="settings"/> with the cure
    /// <paramref name="name"/> at <paramref name="knob"/> (<see cref="CureScan"/>).</summary>
    protected virtual TSettings WithCure(TSettings settings, string name, double knob) =>
        throw new ArgumentException($"{Name} has no cure comparison (cure '{name}')");

    protected sealed override TSettings ForCell(TSettings settings, Cell cell) =>
        CureScan.Of(cell) is { } cure && CureScan.Parse(cure) is var (name, knob)
            ? WithCure(settings, name, knob)
            : settings;

    /// <summary>A recipe with the cure <paramref name="name"/> on at <paramref name="knob"/>: smoothing
    /// (label smoothing), noisy (Noisy Softmax's alpha), early and late (the dropout phase; the rate,
    /// the knob, is the model's to set). No tangent kernel: the comparison reads accuracies and entropy.</summary>
    protected static Recipe CureRecipe(Recipe recipe, string name, double knob) => (recipe with { NtkExamples = 0 }) with
    {
        Cure = name switch
        {
            "smoothing" => recipe.Cure with { LabelSmoothing = knob },
            "noisy" => recipe.Cure with { NoisyAlpha = knob },
            "early" => recipe.Cure with { DropoutPhase = DropoutPhase.Early },
            "late" => recipe.Cure with { DropoutPhase = DropoutPhase.Late },
            _ => throw new ArgumentException($"cure '{name}' is none of smoothing, noisy, early, late"),
        },
    };

    protected sealed override RunResult Run(CellContext context, TSettings settings)
    {
        Requirements.Check(this, context.Tier);
        return RunCell(context, settings);
    }

    /// <summary>Trains <paramref name="model"/> on <paramref name="data"/> with the cell's beta, eta
    /// and ||Z0||; <paramref name="modelGenerators"/> are the generators it draws from while training
    /// (their states go into the checkpoint).</summary>
    protected static RunResult Train(CellContext context, Classifier model, TrainingData data, Recipe recipe,
        IReadOnlyList<Generator> modelGenerators)
    {
        var cell = context.Cell;
        var options = new TrainerOptions
        {
            Beta = cell.Beta,
            Eta = cell.Eta,
            Schedule = recipe.ScheduleShape(),
            Momentum = recipe.Momentum,
            WeightDecay = recipe.WeightDecayAt(cell.Beta),
            Steps = recipe.Steps,
            LogEvery = recipe.LogEvery,
            Probes = recipe.Probes,
            NtkProbes = recipe.NtkProbes,
            EvalEvery = recipe.EvalEvery,
            CheckpointEvery = recipe.CheckpointEvery,
            CheckpointDirectory = recipe.CheckpointEvery > 0 ? context.CheckpointFolder : null,
            ConfigHash = context.ConfigHash,
            LogitScale = cell.LogitScale,
            NtkExamples = recipe.NtkSeeds is { } seeds && cell.Seed >= seeds ? 0 : recipe.NtkExamples,
            Device = recipe.TorchDevice(),
            Cuda = recipe.Cuda ?? new(),
            LabelSmoothing = recipe.Cure.LabelSmoothing,
            NoisySoftmax = recipe.Cure.NoisySoftmax(recipe.Steps),
            DropoutPhase = recipe.Cure.DropoutPhase,
            DropoutSwitch = recipe.Cure.DropoutSwitchStep(recipe.Steps),
        };
        // Noisy Softmax draws from the cell's generator (the model's first), or, for a model that
        // draws nothing while training, from one of its own seeded by the cell; checkpoints keep either.
        using var own = options.NoisySoftmax is not null && modelGenerators.Count == 0 ? new Generator((ulong)cell.Seed + 1_000_003) : null;
        IReadOnlyList<Generator> generators = own is null ? modelGenerators : [own];
        var trainer = new Trainer(model, data, options)
        {
            LogitLayer = model.LogitLayer,
            ModelGenerators = generators,
            NoiseGenerator = generators.Count > 0 ? generators[0] : null,
            Progress = context.Progress,
        };
        // The trainer deletes the checkpoint once the run has finished or diverged.
        return trainer.Run(context.Cancellation);
    }

    /// <summary>The eta~ grid c * beta of one beta (THEORY.md: eta* ~ 1/beta, so eta~* ~ beta), to 12
    /// significant digits so that cell ids read 0.005, not 0.005000000000000001.</summary>
    protected static double[] EtaTildeAround(double beta, IEnumerable<double> c) =>
        c.Select(x => double.Parse((x * beta).ToString("G12", System.Globalization.CultureInfo.InvariantCulture), System.Globalization.CultureInfo.InvariantCulture)).ToArray();

    // Every tier's claims table (ModelFixture.ClaimsAtThisScale), the Full tier's too (its cells are not pinned).
    public override bool HasSummary(Tier tier) => true;

    /// <summary>Float32 training on CPU is deterministic for a given machine type, BLAS and thread
    /// count; across them a few dozen steps amplify round-off to ~1e-5 relative.</summary>
    protected override Tolerance DefaultTolerance => new(Rtol: 1e-4, Atol: 1e-6);

    /// <summary>The pinned quantities of THEORY.md: loss0, ||Z0||, dloss_dt0, entropy0, the
    /// timescales (t_learn, t_nl_ntk, their censoring flags and bounds), the final, peak and
    /// calibration quantities, and the curves at their logged or probed steps.</summary>
    protected override IEnumerable<Quantity> Golden(RunRecord record)
    {
        string[] timescales = ["t_learn", "t_nl_ntk"];
        string[] scalars = ["loss0", "z0_norm", "dloss_dt0", "entropy0", "final_test_loss", "final_test_accuracy",
            "peak_test_accuracy", "peak_test_accuracy_step", "test_ece", "t_star", "test_nll_t_star", "test_ece_t_star"];
        foreach (string name in scalars.Concat(timescales.SelectMany(t => new[] { t, $"{t}_censored", $"{t}_bound" })))
            if (record.Scalars.TryGetValue(name, out double value)) yield return new(name, value);
        foreach (string curve in new[] { "train_loss", "train_accuracy", "entropy", "r", "ntk_change", "val_accuracy", "test_accuracy" })
            if (record.Curves.TryGetValue(curve, out var c))
                for (int i = 0; i < c.Steps.Count; i++) yield return new($"{curve}@{c.Steps[i]}", c.Values[i]);
    }
}
