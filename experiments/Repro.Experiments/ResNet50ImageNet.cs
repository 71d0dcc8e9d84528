// resnet50-imagenet: torchvision's ResNet-50 trained with the beta cross-entropy over beta x eta~ x ||Z0||.
// Smoke: synthetic 64x64 images written as JPEG class folders and read through the ImageNet path
//        (ImageFolder, TurboJPEG, crops and flips), ResNet-50 at width 8, a few dozen steps, two betas.
// Short: the ImageNet path end to end (JPEG class folders, TurboJPEG decoding, random resized crops
//        and flips, resize and center crop for evaluation) on an ImageNet-style folder made of
//        skimage's sample JPEGs (one class per photograph), ResNet-50 at width 16, 64x64 crops.
// Full:  ImageNet (REPRO_DATA/imagenet/{train,val}/<wnid>/*.JPEG), width 64, 224x224, 90 epochs (GPU box).
// Run:  dotnet msbuild -t:Smoke | -t:Short | -t:Full
using System.Text.Json.Serialization;
using Repro.Data;
using Repro.Harness;
using Repro.Models;
using Repro.Torch;
using Repro.Training;

namespace Repro.Experiments;

/// <summary>The datasets resnet50-imagenet trains on.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ResNetDataset>))]
public enum ResNetDataset
{
    /// <summary>Synthetic images written as JPEG class folders (<see cref="SyntheticJpegFolder"/>), read like ImageNet.</summary>
    [JsonStringEnumMemberName("synthetic-jpeg")] SyntheticJpeg,
    [JsonStringEnumMemberName("jpeg-samples")] JpegSamples,
    [JsonStringEnumMemberName("imagenet")] ImageNet,
}

public sealed record ResNetSettings(
    ResNetDataset Dataset,
    int TrainExamples,    // synthetic-jpeg only: trained on (train/ holds these and the validation ones)
    int ValidationExamples,// held out of train/ by a fixed seed
    int TestExamples,     // synthetic-jpeg only: val/, the test split
    int Width,            // 64: torchvision's resnet50; smaller for short runs
    int Crop,             // side of the training crops and of the evaluation center crop (224)
    int EvalResize,       // evaluation: the short side is resized to this first (256)
    Recipe Recipe) : IModelSettings;

public sealed class ResNet50ImageNet : ModelExperiment<ResNetSettings>
{
    public override string Name => "resnet50-imagenet";
    public override string Description => "ResNet-50 (torchvision layout) on ImageNet (short: skimage's sample JPEGs as class folders)";

    const int StepsPerEpoch = 1_281_167 / 256;

    // The standard ResNet-50 recipe where the paper's exact values are unknown: batch 256, momentum
    // 0.9, weight decay 1e-4, 90 epochs, the rate cut by 10 at epochs 30, 60 and 80.
    public override ResNetSettings Defaults(Tier tier)
    {
        var smoke = new ResNetSettings(ResNetDataset.SyntheticJpeg, TrainExamples: 256, ValidationExamples: 64, TestExamples: 128, Width: 8, Crop: 64, EvalResize: 64,
            new Recipe { BatchSize = 16, Steps = 20, WeightDecay = 1e-4, Augment = true, LogEvery = 4, ProbeExamples = 16 });
        return tier.Pick(smoke,
            new ResNetSettings(ResNetDataset.JpegSamples, TrainExamples: 0, ValidationExamples: 3, TestExamples: 0, Width: 16, Crop: 64, EvalResize: 73,
                smoke.Recipe with { BatchSize = 12, Steps = 40, LogEvery = 5, EvalEvery = 20, ProbeExamples = 12 }),
            new ResNetSettings(ResNetDataset.ImageNet, TrainExamples: 0, ValidationExamples: 10_000, TestExamples: 0, Width: 64, Crop: 224, EvalResize: 256,
                new Recipe
                {
                    BatchSize = 256, Steps = 90 * StepsPerEpoch, WeightDecay = 1e-4, Schedule = Schedule.Step,
                    Milestones = [30.0 / 90, 60.0 / 90, 80.0 / 90], Gamma = 0.1, Augment = true, LogEvery = 200, EvalEvery = 5 * StepsPerEpoch,
                    // No kernel probe: with 1,000 classes its Jacobian alone is 1,000 x examples x 25.6M floats.
                    CheckpointEvery = StepsPerEpoch, ProbeExamples = 256,
                }.OnCuda()));
    }

    public override Grid Grid(Tier tier) => new()
    {
        Betas = tier.Pick<double[]>([0.1, 1], [0.1, 1], [1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 1, 3, 10]),
        // Smoke and Short (three photographs): one eta~ per beta, c beta with c = 0.05. Full: an eta scan
        // (EtaScan's rule) from the same three rates eta at every beta, around ResNet-50's usual 0.1.
        LearningRates = tier == Tier.Full
            ? LearningRates.Eta(0.05, 0.1, 0.2)
            : LearningRates.EtaTildePerBeta(beta => EtaTildeAround(beta, [0.05])),
        Scan = tier == Tier.Full ? new EtaScan(Ratio: 2, MaxExtensions: 8, At: 1.0) : null,
        LogitScales = tier.Pick<double?[]>([null], [null], [0.1, 1, 10, 30, 100]),
        Seeds = tier.Pick<int[]>([0], [0], [0, 1, 2]),
    };

    protected override SettingProblems CheckDataAndModel(ResNetSettings s, SettingProblems problems) => problems
        .Require(s.Dataset != ResNetDataset.SyntheticJpeg || s.TrainExamples > 0, "trainExamples", s.TrainExamples, "must be > 0: the synthetic images are generated")
        .Require(s.Dataset != ResNetDataset.SyntheticJpeg || s.TestExamples > 0, "testExamples", s.TestExamples, "must be > 0: the synthetic images are generated")
        .Positive("validationExamples", s.ValidationExamples).Positive("width", s.Width).Positive("crop", s.Crop)
        .Require(s.EvalResize >= s.Crop, "evalResize", s.EvalResize, $"must be >= crop = {s.Crop} (the center crop is taken from the resized image)");

    protected override DataNeed? DataNeed(ResNetSettings s) => s.Dataset switch
    {
        ResNetDataset.JpegSamples => DataSources.Package("jpeg-samples"),
        ResNetDataset.ImageNet => DataSources.Folder("ImageNet", "imagenet", "ILSVRC2012's train and val images as class folders (https://image-net.org/download)"),
        _ => null,
    };

    static string ImageNetRoot() =>
        Path.Combine(DataFolder.Resolve(null, "ImageNet", "imagenet/{train,val}/<wnid>/*.JPEG"), "imagenet");

    protected override RunResult RunCell(CellContext context, ResNetSettings s)
    {
        var cell = context.Cell;
        var normalization = Normalization.ImageNet;
        using var generator = new Generator((ulong)cell.Seed);
        ulong dataSeed = (ulong)cell.Seed + 1;
        string root = s.Dataset switch
        {
            ResNetDataset.ImageNet => ImageNetRoot(),
            ResNetDataset.JpegSamples => JpegSampleFolder.Ensure(),
            // 64x64 rather than CIFAR's 32x32: at 32 ResNet-50's last stage sees 1x1 maps, whose batch
            // statistics are too noisy for its running averages to stand in at evaluation.
            _ => SyntheticJpegFolder.Ensure(s.TrainExamples + s.ValidationExamples, s.TestExamples, s.Crop, (ulong)cell.Seed + 100),
        };
        // val/ is the test split here (ImageNet's own); the validation split is held out of train/.
        // The training split's class names define the labels; val/ must hold the same classes.
        var split = new ImageFolder(root, "train");
        var test = new ImageFolder(root, "val", labelsFrom: split);
        var (trainPart, validationPart) = Holdout.Split(split.Count, s.ValidationExamples);
        var (train, validation) = (split.Select(trainPart), split.Select(validationPart));
        bool onGpu = s.Recipe.Device == RecipeDevice.Cuda;
        using var model = new ResNet50(generator, train.Classes.Count, s.Width);
        // The probe: the first training images, transformed as for evaluation (fixed, not augmented).
        using var probe = ImageFolderBatches.InOrder(train, s.Recipe.ProbeExamples, normalization, s.EvalResize, s.Crop).First();
        var data = new TrainingData(
            // Random resized crops and flips (Recipe.Augment is on in every tier: this loader always augments).
            // On a GPU box the cores are free for decoding while the GPU trains: decode ahead on all of them.
            Train: step => new ImageFolderBatches(train, s.Recipe.BatchSize, dataSeed, normalization, s.Crop,
                background: onGpu ? true : null, threads: onGpu ? Environment.ProcessorCount : null, startStep: step),
            Validation: () => ImageFolderBatches.InOrder(validation, s.Recipe.BatchSize, normalization, s.EvalResize, s.Crop),
            Test: () => ImageFolderBatches.InOrder(test, s.Recipe.BatchSize, normalization, s.EvalResize, s.Crop),
            Probe: probe);
        return Train(context, model, data, s.Recipe, []);
    }
}
