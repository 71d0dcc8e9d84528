using Repro.Dynamics;

using Repro.Models;
using Repro.Torch;
using Repro.Torch.Optim;
using static Repro.Torch.torch;

namespace Repro.Training.Tests;

public class TrainerTests
{
    [Test]
    public void ARunLearnsAndRecordsTheTheoryQuantities()
    {
        using var data = new TeacherData(train: 256, test: 128);
        using var g = new Generator(5);
        using var model = new Mlp([TeacherData.Features, 32, TeacherData.Classes], "tanh", g, ScalarType.Float64);
        var progress = new List<RunProgress>();
        var result = new Trainer(model, data.Data(batchSize: 32), new TrainerOptions
        {
            Eta = 0.2, Momentum = 0.9, Steps = 150, LogEvery = 10, EvalEvery = 50, NtkExamples = 2,
        }) { Progress = progress.Add }.Run();

        Assert.That(result.Status, Is.EqualTo(RunStatus.Complete));
        Assert.That(result.Scalars["final_test_accuracy"], Is.GreaterThan(0.7), "4 classes: chance is 0.25");
        Assert.That(result.Curves["test_accuracy"].Steps, Is.EqualTo(new long[] { 0, 50, 100, 150 }));
        Assert.That(result.Curves["val_accuracy"].Steps, Is.EqualTo(new long[] { 0, 50, 100, 150 }));
        // The probes follow their own schedule, not LogEvery; the kernel its sparser one.
        Assert.That(result.Curves["r"].Steps, Is.EqualTo(new ProbeSchedule().Steps(150)));
        Assert.That(result.Curves["ntk_change"].Steps, Is.EqualTo(new ProbeSchedule(Dense: 2, Ratio: 2).Steps(150)));
        Assert.That(result.Notes["probe_steps"], Does.StartWith("every step to 4, then x1.41"));
        Assert.That(result.Curves["train_loss"].Steps[0], Is.EqualTo(10), "training means start after the first steps");
        Assert.That(result.Curves["train_loss"].Values[^1], Is.LessThan(result.Curves["train_loss"].Values[0]));
        Assert.That(result.Curves["probe_loss"].At(0), Is.EqualTo(result.Scalars["loss0"]));
        Assert.That(result.Curves["r"].At(0), Is.EqualTo(0));
        Assert.That(result.Curves["ntk_change"].At(0), Is.EqualTo(0));
        Assert.That(result.Scalars["z0_norm"], Is.GreaterThan(0));
        Assert.That(result.Scalars["dloss_dt0"], Is.LessThan(0));
        Assert.That(result.Scalars["entropy0"], Is.GreaterThan(0).And.LessThanOrEqualTo(Math.Log(4)));

        // t_learn: measured between the two consecutive probes around r = 0.5 (the same rule as Crossing's).
        var crossing = Crossing.Of(result.Curves["r"], 0.5);
        Assert.That(result.Scalars["t_learn_censored"], Is.EqualTo(0), "r reached 0.5 between two probes");
        Assert.That(result.Scalars["t_learn"], Is.EqualTo(crossing.Step));
        var r = result.Curves["r"];
        int above = r.Steps.IndexOf((long)crossing.Bound);
        Assert.That(r.Values[above - 1], Is.LessThan(0.5));
        Assert.That(r.Values[above], Is.GreaterThanOrEqualTo(0.5));
        Assert.That(result.Scalars["t_learn"], Is.InRange((double)r.Steps[above - 1], (double)r.Steps[above]));
        Assert.That(result.Scalars, Does.ContainKey("t_nl_ntk").And.ContainKey("t_nl_ntk_censored"));
        Assert.That(result.Notes["ntk"], Does.Contain("first 2 probe examples").And.Contain("normalization fixed"));

        // Peak and calibration, beside the final accuracy.
        Assert.That(result.Scalars["peak_test_accuracy"], Is.EqualTo(result.Curves["test_accuracy"].Values.Max()));
        Assert.That(result.Scalars["peak_test_accuracy"], Is.GreaterThanOrEqualTo(result.Scalars["final_test_accuracy"]));
        Assert.That(result.Curves["test_accuracy"].At((long)result.Scalars["peak_test_accuracy_step"]), Is.EqualTo(result.Scalars["peak_test_accuracy"]));
        Assert.That(result.Scalars["final_test_loss"], Is.EqualTo(result.Curves["test_loss"].Values[^1]), "the test NLL");
        Assert.That(result.Scalars["test_ece"], Is.InRange(0.0, 1.0));
        Assert.That(result.Scalars["t_star"], Is.Positive);
        Assert.That(result.Scalars["test_ece_t_star"], Is.InRange(0.0, 1.0));
        Assert.That(result.Scalars["test_nll_t_star"], Is.Positive);
        Assert.That(result.Notes["t_star"], Does.Contain("validation split (29 examples"));

        Assert.That(progress.Select(p => p.Step), Is.EqualTo(Enumerable.Range(0, 16).Select(i => 10L * i)), "progress every LogEvery steps");
        Assert.That(progress[^1].Metrics["loss"], Is.EqualTo(result.Curves["train_loss"].Values[^1]));
    }

    [Test]
    public void EachUpdateFromAProbeStepRecordsItsEntropyChangeBesideTheCovarianceLaw()
    {
        using var data = new TeacherData(train: 256, test: 64);
        using var g = new Generator(6);
        using var model = new Mlp([TeacherData.Features, 32, TeacherData.Classes], "tanh", g, ScalarType.Float64);
        var result = new Trainer(model, data.Data(batchSize: 32), new TrainerOptions { Beta = 2, Eta = 0.02, Steps = 60, LogEvery = 10 }).Run();
        var probes = new ProbeSchedule().Steps(60);
        Assert.That(result.Curves[ProbeLog.EntropyChange].Steps, Is.EqualTo(probes.Take(probes.Count - 1)), "every probe step but the last starts an update");
        Assert.That(result.Curves[ProbeLog.EntropyChangeCov].Steps, Is.EqualTo(probes.Take(probes.Count - 1)));
        // Small steps: the first-order law holds closely on every update.
        Assert.That(result.Scalars["entropy_cov_updates"], Is.EqualTo(probes.Count - 1));
        Assert.That(result.Scalars["entropy_cov_ratio_median"], Is.EqualTo(1).Within(0.05));
        Assert.That(result.Scalars["entropy_cov_ratio_q25"], Is.LessThanOrEqualTo(result.Scalars["entropy_cov_ratio_median"]).And.GreaterThan(0.8));
        Assert.That(result.Scalars["entropy_cov_ratio_q75"], Is.GreaterThanOrEqualTo(result.Scalars["entropy_cov_ratio_median"]).And.LessThan(1.2));
        // The entropy change at a step is the entropy curve's next difference where the next step is a probe too.
        var entropy = result.Curves[ProbeLog.Entropy];
        Assert.That(result.Curves[ProbeLog.EntropyChange].At(2), Is.EqualTo(entropy.At(3) - entropy.At(2)).Within(1e-12));
        Assert.That(result.Notes["entropy_cov"], Does.Contain($"over the {probes.Count - 1} updates"));
    }

    static (RunResult Result, Dictionary<string, double[]> State) TinyRun(TrainerOptions options)
    {
        using var data = new TeacherData();
        using var dropout = new Generator(3);
        using var model = new TinyBnNet(4, dropout);
        var result = new Trainer(model, data.Data(), options) { ModelGenerators = [dropout], NoiseGenerator = dropout }.Run();
        return (result, Compare.State(model));
    }

    static TrainerOptions Tiny => new() { Eta = 0.1, Momentum = 0.5, Steps = 12, LogEvery = 1 };

    [Test]
    public void EarlyAndLateDropoutSwitchTheModelsDropoutAtTheirStep()
    {
        var whole = TinyRun(Tiny);
        Assert.That(TinyRun(Tiny with { DropoutPhase = DropoutPhase.Early, DropoutSwitch = 12 }).State, Is.EqualTo(whole.State), "early dropout to the end is dropout");
        var never = TinyRun(Tiny with { DropoutPhase = DropoutPhase.Late, DropoutSwitch = 12 });
        Assert.That(TinyRun(Tiny with { DropoutPhase = DropoutPhase.Early, DropoutSwitch = 0 }).State, Is.EqualTo(never.State), "both never turn dropout on");
        Assert.That(never.State, Is.Not.EqualTo(whole.State));

        // Early dropout to step 5: the same steps as dropout throughout up to there, other ones after.
        var early = TinyRun(Tiny with { DropoutPhase = DropoutPhase.Early, DropoutSwitch = 5 });
        var (a, b) = (whole.Result.Curves["train_loss"], early.Result.Curves["train_loss"]);
        Assert.That(b.Values.Take(5), Is.EqualTo(a.Values.Take(5)), "steps 0-4 (logged at 1-5) with dropout");
        Assert.That(b.Values.Skip(5), Is.Not.EqualTo(a.Values.Skip(5)));
        Assert.That(early.Result.Notes["dropout_phase"], Is.EqualTo("early dropout: the model's dropout on for steps 0 to 4, off from step 5"));

        using var data = new TeacherData();
        using var g = new Generator(1);
        using var mlp = new Mlp([TeacherData.Features, 8, TeacherData.Classes], "tanh", g, ScalarType.Float64);
        Assert.That(() => new Trainer(mlp, data.Data(), Tiny with { DropoutPhase = DropoutPhase.Late, DropoutSwitch = 3 }).Run(),
            Throws.ArgumentException.With.Message.Contains("the model has no Dropout layer"));
        Assert.That(() => { TinyRun(Tiny with { DropoutPhase = DropoutPhase.Late, DropoutSwitch = 13 }); },
            Throws.ArgumentException.With.Message.Contains("DropoutSwitch must be a step of the run, 0 to 12"));
    }

    [Test]
    public void NoisySoftmaxChangesTrainingOnlyWhileItsAlphaIsAboveZero()
    {
        var clean = TinyRun(Tiny with { DropoutPhase = DropoutPhase.Late, DropoutSwitch = 12 });
        var noisyOptions = Tiny with { DropoutPhase = DropoutPhase.Late, DropoutSwitch = 12, NoisySoftmax = new(Alpha: 0.5, AnnealSteps: 6) };
        var noisy = TinyRun(noisyOptions);
        Assert.That(TinyRun(noisyOptions).State, Is.EqualTo(noisy.State), "the noise comes from the seeded generator");
        Assert.That(noisy.State, Is.Not.EqualTo(clean.State));
        // The first step already differs (alpha = 0.5 there); the probe loss is the clean loss of the same weights at step 0.
        Assert.That(noisy.Result.Curves["train_loss"].Values[0], Is.Not.EqualTo(clean.Result.Curves["train_loss"].Values[0]));
        Assert.That(noisy.Result.Scalars["loss0"], Is.EqualTo(clean.Result.Scalars["loss0"]));
        Assert.That(noisy.Result.Notes["noisy_softmax"], Does.StartWith("Noisy Softmax: alpha 0.5 at step 0, falling linearly to 0 at step 6"));

        using var data = new TeacherData();
        using var dropout = new Generator(3);
        using var model = new TinyBnNet(4, dropout);
        Assert.That(() => new Trainer(model, data.Data(), noisyOptions) { ModelGenerators = [dropout] }.Run(),
            Throws.ArgumentException.With.Message.Contains("NoisySoftmax draws from Trainer.NoiseGenerator"));
    }

    [Test]
    public void ADivergedRunHasNoTimescales()
    {
        using var data = new TeacherData();
        using var g = new Generator(2);
        using var model = new Mlp([TeacherData.Features, 16, TeacherData.Classes], "relu", g, ScalarType.Float32);
        var result = new Trainer(model, data.Data(), new TrainerOptions { Eta = 1e30, Steps = 50, EvalEvery = 1, NtkExamples = 2 }).Run();
        Assert.That(result.Status, Is.EqualTo(RunStatus.Diverged));
        Assert.That(result.Scalars.Keys.Where(k => k.StartsWith("t_learn") || k.StartsWith("t_nl")), Is.Empty);
        Assert.That(result.Notes["t_learn"], Does.Contain("diverged"));
        Assert.That(result.Scalars, Does.Not.ContainKey("peak_test_accuracy"));
    }

    [Test]
    public void TheFirstStepMovesTheLossByDlossDt0ToFirstOrder()
    {
        // Full-batch gradient descent whose batch is the probe batch: L(1) - L(0) = dloss_dt0 + O(eta^2).
        using var data = new TeacherData(train: 64, probeSize: 64);
        using var g = new Generator(2);
        using var model = new Mlp([TeacherData.Features, 16, TeacherData.Classes], "tanh", g, ScalarType.Float64);
        var result = new Trainer(model, data.Data(batchSize: 64, shuffle: false), new TrainerOptions { Beta = 2, Eta = 1e-4, Steps = 1, LogEvery = 1 }).Run();
        double change = result.Curves["probe_loss"].At(1) - result.Scalars["loss0"];
        Assert.That(change / result.Scalars["dloss_dt0"], Is.EqualTo(1).Within(1e-3));
    }

    [Test]
    public void LogitScaleSetsTheInitialLogitNorm()
    {
        using var data = new TeacherData();
        using var g = new Generator(2);
        using var model = new Mlp([TeacherData.Features, 16, TeacherData.Classes], "tanh", g, ScalarType.Float64);
        var result = new Trainer(model, data.Data(), new TrainerOptions { Beta = 0.3, Eta = 0.1, Steps = 2, LogitScale = 7 }) { LogitLayer = model.LogitLayer }.Run();
        Assert.That(result.Scalars["z0_norm"], Is.EqualTo(7).Within(1e-12));
        Assert.That(result.Notes["z0"], Does.Contain("rescaled"));
    }

    [Test]
    public void AHugeLearningRateDivergesAsAResult()
    {
        using var data = new TeacherData();
        using var g = new Generator(2);
        using var model = new Mlp([TeacherData.Features, 16, TeacherData.Classes], "relu", g, ScalarType.Float32);
        var result = new Trainer(model, data.Data(), new TrainerOptions { Eta = 1e30, Steps = 50, LogEvery = 1, EvalEvery = 1 }).Run();
        Assert.That(result.Status, Is.EqualTo(RunStatus.Diverged));
        Assert.That(result.DivergenceStep, Is.InRange(1, 49));
        long last = result.Curves["probe_loss"].Steps[^1];
        Assert.That(last, Is.EqualTo(result.DivergenceStep), "the curves run up to the step whose loss was not finite");
        Assert.That(result.Curves["test_loss"].Steps[^1], Is.EqualTo(last));
        Assert.That(result.Scalars.ContainsKey("final_test_accuracy"), Is.False, "a diverged run has no final test quantities");
        Assert.That(result.Scalars.ContainsKey("loss0"));
    }

    [Test]
    public void EvaluationSeesEveryTestExampleOnceWithTheLastPartialBatch()
    {
        using var data = new TeacherData(test: 37);
        using var g = new Generator(2);
        using var dropout = new Generator(3);
        using var model = new TinyBnNet(4, dropout);
        var seen = new List<long>();
        var source = data.Data(testBatch: 8);
        var counted = source with { Test = () => source.Test().Select(b => { seen.AddRange(b.Labels.ToArray<long>()); return b; }) };
        var result = new Trainer(model, counted, new TrainerOptions { Beta = 1.5, Eta = 0.1, Steps = 5 }).Run();
        Assert.That(seen, Is.EqualTo(data.YTest.ToArray<long>()), "one evaluation (at the end), each example once, in order");

        model.eval();
        using var z = model.forward(data.XTest);
        using var loss = BetaCrossEntropy.Loss(z, data.YTest, 1.5);
        using var predicted = z.argmax(1);
        using var hits = predicted.eq(data.YTest).to(float64);
        using var accuracy = hits.mean();
        Assert.That(result.Scalars["final_test_loss"], Is.EqualTo(loss.item()).Within(1e-12), "eval mode: running statistics, no dropout");
        Assert.That(result.Scalars["final_test_accuracy"], Is.EqualTo(accuracy.item()).Within(1e-15));
    }

    [Test]
    public void ProbesAndEvaluationsDoNotChangeTraining()
    {
        // The same run logged at every step (probes, NTK, evaluations) and logged only at the end:
        // identical weights, batch-norm statistics and dropout draws.
        using var data = new TeacherData();
        Dictionary<string, double[]> Train(TrainerOptions options, out long tracked)
        {
            using var dropout = new Generator(3);
            using var model = new TinyBnNet(4, dropout);
            new Trainer(model, data.Data(), options) { ModelGenerators = [dropout] }.Run();
            tracked = (long)model.Norm.num_batches_tracked.item();
            return Compare.State(model);
        }
        var often = Train(new TrainerOptions { Eta = 0.1, Momentum = 0.5, Steps = 12, LogEvery = 1, EvalEvery = 1, NtkExamples = 2 }, out long trackedOften);
        var once = Train(new TrainerOptions { Eta = 0.1, Momentum = 0.5, Steps = 12, LogEvery = 12 }, out long trackedOnce);
        Assert.That(often, Is.EqualTo(once));
        Assert.That((trackedOften, trackedOnce), Is.EqualTo((12L, 12L)), "only training forwards count batches");
    }

    [Test]
    public void ProbesUseTheBatchStatisticsOfTheProbeBatch()
    {
        // At step 0 the running statistics are (0, 1); the probe's Z0 must be the function that
        // training starts from (batch statistics), not the eval-mode one.
        using var data = new TeacherData(probeSize: 12);
        using var dropout = new Generator(3);
        using var model = new TinyBnNet(4, dropout);
        var probe = data.Data().Probe;
        double expected;
        using (no_grad())
        {
            model.train();
            using var z = model.LogitLayer.forward(BatchStatisticsHidden(model, probe.Inputs));
            expected = LogitNorm.Rms(z);
        }
        var result = new Trainer(model, data.Data(), new TrainerOptions { Eta = 0.1, Steps = 1 }).Run();
        Assert.That(result.Scalars["z0_norm"], Is.EqualTo(expected).Within(1e-12));
    }

    /// <summary>TinyBnNet's hidden layer with batch statistics and no dropout, by hand.</summary>
    static Tensor BatchStatisticsHidden(TinyBnNet model, Tensor x)
    {
        using var scope = NewDisposeScope();
        var fc1 = (Repro.Torch.Modules.Linear)model.named_children().First().module;
        Tensor h = fc1.forward(x);
        Tensor mean = h.mean([0], keepdim: true);
        Tensor variance = (h - mean).pow(2).mean([0], keepdim: true);
        return ((h - mean) / (variance + 1e-5).sqrt()).tanh().MoveToOuterDisposeScope();
    }
}
