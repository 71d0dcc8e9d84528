using Repro.Harness;
using Repro.Models;
using Repro.Torch;
using Repro.Training;

namespace Repro.Experiments;

/// <summary>
/// One cell of a model experiment (WRN, ResNet-50, GRU): the Trainer with the cell's beta, eta and
/// ||Z0|| and the tier's recipe, its checkpoint in the results store beside the cell's record (a
/// killed Full cell resumes), and the quantities its golden snapshot pins.
/// </summary>
static class ModelCell
{
    public static CellResult Train<TSettings>(Experiment<TSettings> experiment, CellContext<TSettings> context, Classifier model,
        TrainingData data, Recipe recipe, IReadOnlyList<Generator> modelGenerators) where TSettings : notnull
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
            CheckpointDirectory = recipe.CheckpointEvery > 0
                ? Path.Combine(ReproPaths.Results, "checkpoints", experiment.Name, context.Tier.Name, cell.Id)
                : null,
            // A checkpoint is resumed only by the configuration that wrote it.
            ConfigHash = CanonicalJson.Hash(experiment.Config(context.Tier, cell)),
            LogitScale = cell.LogitScale,
            NtkExamples = recipe.NtkSeeds is { } seeds && cell.Seed >= seeds ? 0 : recipe.NtkExamples,
            Device = recipe.TorchDevice(),
            Cuda = recipe.Cuda ?? new(),
        };
        var trainer = new Trainer(model, data, options)
        {
            LogitLayer = model.LogitLayer,
            ModelGenerators = modelGenerators,
            Progress = context.Progress,
        };
        // The trainer deletes the checkpoint once the run has finished or diverged.
        return trainer.Run(context.Cancellation);
    }

    /// <summary>The eta~ grid c * beta of one beta (THEORY.md: eta* ~ 1/beta, so eta~* ~ beta), to 12
    /// significant digits so that cell ids read 0.005, not 0.005000000000000001.</summary>
    public static double[] EtaTildeAround(double beta, IEnumerable<double> c) =>
        c.Select(x => double.Parse((x * beta).ToString("G12", System.Globalization.CultureInfo.InvariantCulture), System.Globalization.CultureInfo.InvariantCulture)).ToArray();

    /// <summary>Float32 training on CPU is deterministic for a given machine type, BLAS and thread
    /// count; across them a few dozen steps amplify round-off to ~1e-5 relative.</summary>
    public static Tolerance Tolerance { get; } = new(Rtol: 1e-4, Atol: 1e-6);

    /// <summary>The pinned quantities of THEORY.md: loss0, ||Z0||, dloss_dt0, entropy0, the
    /// timescales (t_learn, t_nl_ntk, their censoring flags and bounds), the final, peak and
    /// calibration quantities, and the curves at their logged or probed steps.</summary>
    public static IEnumerable<Quantity> Golden(RunRecord record)
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
