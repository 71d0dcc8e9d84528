// wrn-cifar10: the paper's Wide ResNets, with and without batch norm (a grid axis), trained with
// the beta cross-entropy over beta x eta x ||Z0||.
// Smoke: synthetic 32x32 images, WRN-10-1, a few dozen steps, two betas (golden-pinned).
// Short: Fashion-MNIST padded to 32x32, WRN-10-1, beta in {1e-2, 1e-1, 1, 10}, eta found per beta
//        by the eta scan (EtaScan), ||Z0|| in {1, 10, 30}, 3 seeds; the claims table is pinned and
//        every beta must learn at its eta*.
// Full:  CIFAR-10, WRN-28-10, 200 epochs (GPU box, REPRO_DATA/cifar-10-batches-bin).
// Run:  dotnet msbuild -t:Smoke | -t:Short | -t:Full
using System.Text.Json.Serialization;
using Repro.Data;
using Repro.Harness;
using Repro.Models;
using Repro.Torch;
using Repro.Training;

namespace Repro.Experiments;

/// <summary>The datasets wrn-cifar10 trains on.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<WrnDataset>))]
public enum WrnDataset
{
    [JsonStringEnumMemberName("synthetic")] Synthetic,
    [JsonStringEnumMemberName("fashion-mnist")] FashionMnist,
    [JsonStringEnumMemberName("cifar10")] Cifar10,
}

public sealed record WrnSettings(
    WrnDataset Dataset,
    int TrainExamples,    // trained on, of the training split less the validation part (0: all of it)
    int ValidationExamples,// held out of the training split by a fixed seed (synthetic: generated beside it)
    int TestExamples,     // 0: the whole test split
    int Depth,            // 6n + 4
    int WidenFactor,      // k
    double Dropout,
    Recipe Recipe) : IModelSettings;

public sealed class WrnCifar10 : ModelExperiment<WrnSettings>
{
    public override string Name => "wrn-cifar10";
    public override string Description => "Wide ResNet with / without batch norm on CIFAR-10 (short: Fashion-MNIST at 32x32)";

    const int StepsPerEpoch = 50_000 / 128;

    // The standard WRN recipe where the paper's exact values are unknown: SGD momentum 0.9, batch
    // 128, weight decay 5e-4, 200 epochs with the rate cut by 5 at 30%, 60% and 80%, crop and flip.
    public override WrnSettings Defaults(Tier tier)
    {
        var smoke = new WrnSettings(WrnDataset.Synthetic, TrainExamples: 512, ValidationExamples: 128, TestExamples: 256,
            Depth: 10, WidenFactor: 1, Dropout: 0,
            new Recipe { BatchSize = 32, Steps = 30, WeightDecay = 5e-4, LogEvery = 3, ProbeExamples = 32 });
        return tier.Pick(smoke,
            smoke with
            {
                Dataset = WrnDataset.FashionMnist, TrainExamples = 20_000, ValidationExamples = 1_000, TestExamples = 1_000,
                // 150 steps of 64 (half an epoch of the 20,000 images), evaluated at the end: ~8 s a cell
                // on 2 cores, the kernel (seed 0 only, 16 examples at 6 probes) ~13 s more with batch norm,
                // so that the eta scan's ~200 cells over 3 seeds fit in about half an hour.
                Recipe = smoke.Recipe with
                {
                    BatchSize = 64, Steps = 150, Schedule = Schedule.Cosine, Augment = true, LogEvery = 10, ProbeExamples = 128,
                    NtkExamples = 16, NtkProbes = new(Dense: 1, Ratio: 4), NtkSeeds = 1,
                },
            },
            new WrnSettings(WrnDataset.Cifar10, TrainExamples: 0, ValidationExamples: 5_000, TestExamples: 0, Depth: 28, WidenFactor: 10, Dropout: 0,
                new Recipe
                {
                    BatchSize = 128, Steps = 200 * StepsPerEpoch, WeightDecay = 5e-4, Schedule = Schedule.Step, Milestones = [0.3, 0.6, 0.8],
                    Gamma = 0.2, Augment = true, LogEvery = 100, EvalEvery = 10 * StepsPerEpoch, CheckpointEvery = 5 * StepsPerEpoch,
                    ProbeExamples = 256, NtkExamples = 4,
                }.OnCuda()));
    }

    public override Grid Grid(Tier tier) => new()
    {
        Betas = tier.Pick<double[]>([0.1, 1], [0.01, 0.1, 1, 10], [1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 1, 3, 10]),
        // Smoke: one eta~ per beta (a check of the code, not of a claim). Short and Full: an eta scan
        // (EtaScan's rule) that starts at every beta from the same three rates eta, around the usual
        // SGD-momentum rate of a beta = 1 WRN, so that where eta* lies at other betas is found, not assumed.
        LearningRates = tier == Tier.Smoke
            ? LearningRates.EtaTildePerBeta(beta => EtaTildeAround(beta, [0.05]))
            : LearningRates.Eta(0.025, 0.05, 0.1),
        Scan = tier == Tier.Smoke ? null : new EtaScan(Ratio: 2, MaxExtensions: 8, At: 1.0),
        // Short: the other cures for early saturation at beta = 1 and the best beta, each at its eta*,
        // a small scan of each cure's main knob (ours: around the values their papers use).
        Cures = tier == Tier.Short ? new CureScan(
        [
            new("smoothing", [0.05, 0.1, 0.2]),
            new("noisy", [0.05, 0.1, 0.3]),
            new("early", [0.05, 0.1, 0.2]),
            new("late", [0.05, 0.1, 0.2]),
        ]) : null,
        LogitScales = tier.Pick<double?[]>([null], [1.0, 10, 30], [0.1, 1, 10, 30, 100]),
        Extra = [new Axis("bn", true, false)],
        // Full: 5 seeds, which the no-batch-norm slice needs for a divergence rate (C5); one seed list serves both.
        Seeds = tier.Pick<int[]>([0], [0, 1, 2], [0, 1, 2, 3, 4]),
    };

    protected override double? DropoutRate(WrnSettings s) => s.Dropout;

    // Early and late dropout's knob is the rate the phase switches on and off.
    protected override WrnSettings WithCure(WrnSettings s, string name, double knob) =>
        s with { Dropout = name is "early" or "late" ? knob : s.Dropout, Recipe = CureRecipe(s.Recipe, name, knob) };

    protected override SettingProblems CheckDataAndModel(WrnSettings s, SettingProblems problems) => problems
        .Require(s.Dataset != WrnDataset.Synthetic || s.TrainExamples > 0, "trainExamples", s.TrainExamples, "must be > 0: the synthetic images are generated")
        .Require(s.Dataset != WrnDataset.Synthetic || s.TestExamples > 0, "testExamples", s.TestExamples, "must be > 0: the synthetic images are generated")
        .NotNegative("trainExamples", s.TrainExamples).Positive("validationExamples", s.ValidationExamples).NotNegative("testExamples", s.TestExamples)
        .Require(s.Depth >= 10 && (s.Depth - 4) % 6 == 0, "depth", s.Depth, "must be 6n + 4 with n >= 1 (10, 16, 22, 28, ...)")
        .Positive("widenFactor", s.WidenFactor).Within("dropout", s.Dropout, 0, 0.99);

    protected override DataNeed? DataNeed(WrnSettings s) => s.Dataset switch
    {
        WrnDataset.FashionMnist => DataSources.Package("fashion-mnist"),
        WrnDataset.Cifar10 => DataSources.Folder("CIFAR-10", Cifar10.Folder, "cifar-10-binary.tar.gz (the binary version, https://www.cs.toronto.edu/~kriz/cifar.html)"),
        _ => null,
    };

    static (ImageSet train, ImageSet test) LoadCifar10() =>
        Cifar10.Load(DataFolder.Resolve(null, "CIFAR-10", $"{Cifar10.Folder}/data_batch_1.bin ... test_batch.bin"));

    protected override RunResult RunCell(CellContext context, WrnSettings s)
    {
        var cell = context.Cell;
        var (train, validation, test, normalization) = Data(s, cell.Seed);
        // The network's initialization and its dropout masks come from the cell's seed.
        using var generator = new Generator((ulong)cell.Seed);
        using var model = new WideResNet(s.Depth, s.WidenFactor, s.Dropout, cell.Get<bool>("bn"), train.Classes, generator, train.Channels);
        using var probe = ImageBatches.InOrder(train, s.Recipe.ProbeExamples, normalization).First();
        var data = new TrainingData(
            Train: step => new ImageBatches(train, s.Recipe.BatchSize, (ulong)cell.Seed + 1, normalization, s.Recipe.Augment, startStep: step),
            Validation: () => ImageBatches.InOrder(validation, 256, normalization),
            Test: () => ImageBatches.InOrder(test, 256, normalization),
            Probe: probe);
        return Train(context, model, data, s.Recipe, [generator]);
    }

    static (ImageSet train, ImageSet validation, ImageSet test, Normalization normalization) Data(WrnSettings s, int seed)
    {
        if (s.Dataset == WrnDataset.Synthetic)
        {
            // One generated set split in two, so that training and test images share the class
            // templates; the validation images are the tail of a longer draw from the same seed
            // (the same templates, other images), which leaves the training and test images as they were.
            var all = SyntheticImages.Generate(s.TrainExamples + s.TestExamples, (ulong)seed + 100);
            var longer = SyntheticImages.Generate(s.TrainExamples + s.TestExamples + s.ValidationExamples, (ulong)seed + 100);
            return (all.Slice(0, s.TrainExamples), longer.Slice(s.TrainExamples + s.TestExamples, s.ValidationExamples),
                all.Slice(s.TrainExamples, s.TestExamples), Normalization.Cifar10);
        }
        var (split, test, normalization) = s.Dataset switch
        {
            WrnDataset.FashionMnist => FashionMnistAt32(),
            WrnDataset.Cifar10 => Cifar10WithNormalization(),
            _ => throw new ArgumentOutOfRangeException(nameof(s.Dataset), s.Dataset, null),
        };
        var (trainPart, validationPart) = Holdout.Split(split.Count, s.ValidationExamples);
        var train = split.Select(s.TrainExamples > 0 ? trainPart[..Math.Min(s.TrainExamples, trainPart.Length)] : trainPart, "training");
        if (s.TestExamples > 0) test = test.Take(s.TestExamples);
        return (train, split.Select(validationPart, "validation"), test, normalization);

        static (ImageSet, ImageSet, Normalization) FashionMnistAt32()
        {
            var (train, test) = FashionMnist.Load(log: Console.Error.WriteLine);
            return (train.PadTo(32), test.PadTo(32), Normalization.FashionMnist);
        }

        static (ImageSet, ImageSet, Normalization) Cifar10WithNormalization()
        {
            var (train, test) = LoadCifar10();
            return (train, test, Normalization.Cifar10);
        }
    }
}
