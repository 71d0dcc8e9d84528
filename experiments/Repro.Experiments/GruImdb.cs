// gru-imdb: the paper's GRU text classifier (embedding -> GRU -> final hidden state -> linear)
// trained with the beta cross-entropy over beta x eta x ||Z0||.
// Smoke: synthetic reviews (Bogus sentences with sentiment words), a small GRU, a few dozen steps.
// Short: the movie-review polarity sentences (Debian python3-pattern, 2,000 per class; 80/20
//        split), a GRU of 64, beta in {1e-2, 1e-1, 1, 10}, eta found per beta by the eta scan
//        (EtaScan), ||Z0|| in {1, 10, 30}, 3 seeds, then label smoothing and Noisy Softmax at
//        beta = 1 and the best beta (CureScan); the claims table is pinned.
// Full:  IMDB (REPRO_DATA/aclImdb), vocabulary 20,000, sequences of 256 tokens, embedding 128,
//        hidden 256 (GPU box).
// Run:  dotnet msbuild -t:Smoke | -t:Short | -t:Full
using System.Text.Json.Serialization;
using Repro.Data;
using Repro.Harness;
using Repro.Models;
using Repro.Torch;
using Repro.Training;

namespace Repro.Experiments;

/// <summary>The datasets gru-imdb trains on.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<GruDataset>))]
public enum GruDataset
{
    [JsonStringEnumMemberName("synthetic")] Synthetic,
    [JsonStringEnumMemberName("polarity")] Polarity,
    [JsonStringEnumMemberName("imdb")] Imdb,
}

public sealed record GruSettings(
    GruDataset Dataset,
    int TrainExamples,    // synthetic: generated; polarity: the split's training part; imdb: 0 = all (validation held out of it)
    int ValidationExamples,// held out of the training part by a fixed seed (synthetic: generated beside it)
    int TestExamples,
    int VocabularySize,   // the most frequent words (padding and unknown included)
    int MinCount,         // words seen fewer times in training are unknown
    int Length,           // tokens per example: longer texts are cut, shorter ones padded
    int Embedding,
    int Hidden,
    Recipe Recipe) : IModelSettings;

public sealed class GruImdb : ModelExperiment<GruSettings>
{
    public override string Name => "gru-imdb";
    public override string Description => "GRU classifier on IMDB reviews (short: movie-review polarity sentences)";

    const int StepsPerEpoch = 25_000 / 64;

    // The paper's recipe is not known; SGD with momentum at the grid's rate, no weight decay.
    public override GruSettings Defaults(Tier tier)
    {
        var smoke = new GruSettings(GruDataset.Synthetic, TrainExamples: 512, ValidationExamples: 128, TestExamples: 256, VocabularySize: 2_000,
            MinCount: 1, Length: 24, Embedding: 16, Hidden: 16,
            new Recipe { BatchSize = 32, Steps = 40, LogEvery = 4, ProbeExamples = 32 });
        return tier.Pick(smoke,
            new GruSettings(GruDataset.Polarity, TrainExamples: 3_200, ValidationExamples: 400, TestExamples: 800, VocabularySize: 8_000,
                MinCount: 2, Length: 32, Embedding: 64, Hidden: 64,
                // 1,000 steps of 32 (11 epochs of the 2,800 sentences trained on), evaluated at the end:
                // ~10 s a cell on 2 cores, so that the eta scan's ~100 cells over 3 seeds fit in ~20 minutes.
                smoke.Recipe with
                {
                    Steps = 1_000, Schedule = Schedule.Cosine, LogEvery = 40, ProbeExamples = 128, NtkExamples = 16,
                    NtkProbes = new(Dense: 1, Ratio: 4), NtkSeeds = 1,
                }),
            new GruSettings(GruDataset.Imdb, TrainExamples: 0, ValidationExamples: 2_500, TestExamples: 0, VocabularySize: 20_000,
                MinCount: 1, Length: 256, Embedding: 128, Hidden: 256,
                new Recipe
                {
                    BatchSize = 64, Steps = 20 * StepsPerEpoch, Schedule = Schedule.Cosine, LogEvery = 50, EvalEvery = 2 * StepsPerEpoch,
                    CheckpointEvery = 2 * StepsPerEpoch, ProbeExamples = 256, NtkExamples = 16,
                }.OnCuda()));
    }

    public override Grid Grid(Tier tier) => new()
    {
        Betas = tier.Pick<double[]>([0.1, 1], [0.01, 0.1, 1, 10], [1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 1, 3, 10]),
        // Smoke: one eta~ per beta (a check of the code). Short and Full: an eta scan (EtaScan's rule)
        // from the same three rates eta at every beta, so that eta*'s law is measured, not assumed.
        LearningRates = tier == Tier.Smoke
            ? LearningRates.EtaTildePerBeta(beta => EtaTildeAround(beta, [0.3]))
            : LearningRates.Eta(0.025, 0.05, 0.1),
        Scan = tier == Tier.Smoke ? null : new EtaScan(Ratio: 2, MaxExtensions: 8, At: 1.0),
        // Short: the cures for early saturation that act on the loss, as on the WRN (the same knobs);
        // the GRU has no dropout, so early and late dropout are not among them.
        Cures = tier == Tier.Short ? new CureScan(
        [
            new("smoothing", [0.05, 0.1, 0.2]),
            new("noisy", [0.05, 0.1, 0.3]),
        ]) : null,
        LogitScales = tier.Pick<double?[]>([null], [1.0, 10, 30], [0.1, 1, 10, 30, 100]),
        Seeds = tier.Pick<int[]>([0], [0, 1, 2], [0, 1, 2, 3, 4]),
    };

    protected override GruSettings WithCure(GruSettings s, string name, double knob) => s with { Recipe = CureRecipe(s.Recipe, name, knob) };

    protected override SettingProblems CheckDataAndModel(GruSettings s, SettingProblems problems) => problems
        .Require(s.Dataset == GruDataset.Imdb || s.TrainExamples > 0, "trainExamples", s.TrainExamples, "must be > 0 (0 means all of them only for imdb)")
        .Require(s.Dataset == GruDataset.Imdb || s.TestExamples > 0, "testExamples", s.TestExamples, "must be > 0 (0 means all of them only for imdb)")
        .NotNegative("trainExamples", s.TrainExamples).Positive("validationExamples", s.ValidationExamples).NotNegative("testExamples", s.TestExamples)
        .Require(s.VocabularySize >= 3, "vocabularySize", s.VocabularySize, "must be >= 3 (padding, unknown and a word)")
        .Positive("minCount", s.MinCount).Positive("length", s.Length).Positive("embedding", s.Embedding).Positive("hidden", s.Hidden);

    protected override DataNeed? DataNeed(GruSettings s) => s.Dataset switch
    {
        GruDataset.Polarity => DataSources.Package("polarity"),
        GruDataset.Imdb => DataSources.Folder("IMDB", Imdb.Folder, "aclImdb_v1.tar.gz (the Large Movie Review Dataset, https://ai.stanford.edu/~amaas/data/sentiment/)"),
        _ => null,
    };

    static string ImdbFolder()
    {
        string root = DataFolder.Resolve(null, "IMDB", $"{Imdb.Folder}/{{train,test}}/{{pos,neg}}/*.txt");
        string folder = Path.Combine(root, Imdb.Folder);
        if (!Directory.Exists(folder)) throw new DataFormatException(folder, "not found: IMDB is read from aclImdb/{train,test}/{pos,neg}/*.txt under the data folder");
        return root;
    }

    protected override RunResult RunCell(CellContext context, GruSettings s)
    {
        var cell = context.Cell;
        var (train, validation, test) = Data(s, cell.Seed);
        var vocabulary = Vocabulary.Build(train.Select(r => r.Text), s.MinCount, s.VocabularySize);
        using var generator = new Generator((ulong)cell.Seed);
        using var model = new GruClassifier(vocabulary.Count, s.Embedding, s.Hidden, classes: 2, generator);
        using var probe = TextBatches.InOrder(train, vocabulary, s.Length, s.Recipe.ProbeExamples).First();
        var data = new TrainingData(
            Train: step => new TextBatches(train, vocabulary, s.Length, s.Recipe.BatchSize, (ulong)cell.Seed + 1, startStep: step),
            Validation: () => TextBatches.InOrder(validation, vocabulary, s.Length, 256),
            Test: () => TextBatches.InOrder(test, vocabulary, s.Length, 256),
            Probe: probe);
        var result = Train(context, model, data, s.Recipe, []);
        result.Scalars["vocabulary_size"] = vocabulary.Count;
        return result;
    }

    static (IReadOnlyList<Review> train, IReadOnlyList<Review> validation, IReadOnlyList<Review> test) Data(GruSettings s, int seed)
    {
        var (split, test) = TrainingSplitAndTest(s, seed);
        if (s.Dataset == GruDataset.Synthetic) return (split[..s.TrainExamples], split[s.TrainExamples..], test);
        var (train, validation) = Holdout.Split(split.Count, s.ValidationExamples);
        return (train.Select(i => split[i]).ToList(), validation.Select(i => split[i]).ToList(), test);
    }

    /// <summary>The training split (synthetic: the training examples, then the validation ones) and the test split.</summary>
    static (List<Review> split, List<Review> test) TrainingSplitAndTest(GruSettings s, int seed)
    {
        switch (s.Dataset)
        {
            case GruDataset.Synthetic:
            {
                // The validation reviews are the tail of a longer draw from the same seed (the same
                // sentiment words, other reviews), which leaves the training and test reviews as they were.
                var all = SyntheticReviews.Generate(s.TrainExamples + s.TestExamples, seed + 100);
                var longer = SyntheticReviews.Generate(s.TrainExamples + s.TestExamples + s.ValidationExamples, seed + 100);
                return ([.. all.Take(s.TrainExamples), .. longer.Skip(s.TrainExamples + s.TestExamples)],
                    all.Skip(s.TrainExamples).Take(s.TestExamples).ToList());
            }
            case GruDataset.Polarity:
            {
                // One fixed 80/20 split (not the cell's seed: every cell sees the same test set).
                var (_, sentences) = Polarity.Load(log: Console.Error.WriteLine);
                var shuffled = sentences.ToArray();
                new Random(20_000).Shuffle(shuffled);
                if (s.TrainExamples + s.TestExamples > shuffled.Length)
                    throw new ArgumentException($"gru-imdb: {s.TrainExamples} + {s.TestExamples} examples asked of {shuffled.Length} polarity sentences");
                return ([.. shuffled[..s.TrainExamples]], [.. shuffled[s.TrainExamples..(s.TrainExamples + s.TestExamples)]]);
            }
            case GruDataset.Imdb:
            {
                var (train, test) = Imdb.Load(ImdbFolder());
                return (train.Select(r => r.Review).ToList(), test.Select(r => r.Review).ToList());
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(s.Dataset), s.Dataset, null);
        }
    }
}
