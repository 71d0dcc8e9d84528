// logreg-synthetic: softmax regression on Gaussian class clusters, full-batch gradient descent
// in float64, over a grid of beta, eta~ and ||Z0||. The harness's end-to-end demo.
// Run:  dotnet msbuild -t:Smoke  (6 cells, about a second)   -t:Short (72 cells, under a minute)
// Measures: loss0, ||Z0||, dloss/dt at step 0, t_learn, entropy, train / test loss and accuracy,
// through the same ProbeLog as every other loop (r, entropy and loss every step: full batch).
// A linear model is its own linearization (its tangent kernel never changes), so with ||Z0|| set
// the same for every beta and eta = eta~ / beta^2, runs at different beta follow one trajectory
// exactly (THEORY.md, early dynamics): the fixture asserts it across the grid.
using Repro.Dynamics;
using Repro.Harness;
using Repro.Torch;
using static Repro.Torch.torch;

using Repro.Training;

namespace Repro.Experiments;

public sealed record LogregSettings(
    int Classes,        // K
    int Features,       // D; inputs are scaled by 1/sqrt(D) so that ||x|| is O(1)
    int Examples,       // M, the training set (full batch)
    int TestExamples,
    double Separation,  // class means ~ N(0, Separation^2) per feature
    int Steps,
    int LogEvery);      // training loss and accuracy every LogEvery steps (the probes: every step)

public sealed class LogregSynthetic : Experiment<LogregSettings>
{
    public override string Name => "logreg-synthetic";
    public override string Description => "softmax regression on Gaussian clusters, full-batch GD, float64 (harness demo)";

    public override LogregSettings Defaults(Tier tier) => new(
        Classes: 4,
        Features: 16,
        Examples: tier.Pick(256, 1024, 8192),
        TestExamples: tier.Pick(256, 1024, 8192),
        Separation: 1.0,
        Steps: tier.Pick(200, 1000, 5000),
        LogEvery: tier.Pick(10, 50, 100));

    protected override SettingProblems Check(LogregSettings s) => new SettingProblems()
        .Require(s.Classes >= 2, "classes", s.Classes, "must be >= 2").Positive("features", s.Features)
        .Positive("examples", s.Examples).Positive("testExamples", s.TestExamples).NotNegative("separation", s.Separation)
        .Positive("steps", s.Steps).Positive("logEvery", s.LogEvery);

    public override Grid Grid(Tier tier) => new()
    {
        Betas = tier.Pick<double[]>([0.1, 1, 10], [0.01, 0.1, 1, 10], [1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 1, 3, 10]),
        LearningRates = LearningRates.EtaTilde(tier.Pick<double[]>([0.1], [0.03, 0.1, 0.3], [0.01, 0.03, 0.1, 0.3, 1])),
        LogitScales = tier.Pick<double?[]>([1.0, 10], [0.1, 1, 10], [0.01, 0.1, 1, 10]),
        Seeds = tier.Pick<int[]>([0], [0, 1], [0, 1]),
    };

    protected override RunResult Run(CellContext context, LogregSettings s)
    {
        var cell = context.Cell;
        double beta = cell.Beta, eta = cell.Eta;
        var result = new RunResult();
        using var g = new Generator((ulong)cell.Seed);
        using var means = randn([s.Classes, s.Features], g, float64) * s.Separation;
        var (x, y) = Sample(means, s.Examples, g);
        var (xTest, yTest) = Sample(means, s.TestExamples, g);
        using var _ = new DisposeAll(x, y, xTest, yTest);

        // W ~ N(0, 1/D); logit-scale control rescales it so that ||Z0|| = beta ||W x|| hits the target.
        using var w = randn([s.Classes, s.Features], g, float64) / Math.Sqrt(s.Features);
        if (cell.LogitScale is { } target)
            using (no_grad())
            using (NewDisposeScope())
                w.mul_(target / (beta * LogitNorm.Rms(Logits(x, w))));
        w.requires_grad_();

        using var z0 = (Logits(x, w) * beta).detach();
        result.Scalars["z0_norm"] = LogitNorm.Rms(z0);
        // Full batch: the probe batch is the training set, whose logits every step computes anyway.
        var log = new ProbeLog(result.Curves);
        for (int step = 0; step <= s.Steps; step++)
        {
            context.Cancellation.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            Tensor z = Logits(x, w);
            Tensor loss = BetaCrossEntropy.Loss(z, y, beta);
            double lossValue = loss.item();
            if (!double.IsFinite(lossValue))
            {
                result.Diverged(step);
                break;
            }
            log.Logits(step, z.detach() * beta, z0, y);
            if (step % s.LogEvery == 0 || step == s.Steps)
            {
                result.Curve("train_loss").Add(step, lossValue);
                result.Curve("train_accuracy").Add(step, Accuracy(z, y));
                context.Progress(new RunProgress(step, s.Steps, new Dictionary<string, double> { ["loss"] = lossValue }));
            }
            if (step == 0) result.Scalars["loss0"] = lossValue;
            if (step == s.Steps) break;

            loss.backward();
            using var grad = w.grad!;
            if (step == 0) result.Scalars["dloss_dt0"] = -eta * grad.pow(2).sum().item();
            using (no_grad()) w.add_(grad, -eta);
            w.clear_grad();
        }
        log.WriteTimescales(result.Scalars, result.Notes, diverged: result.Status == RunStatus.Diverged);

        using (no_grad())
        using (NewDisposeScope())
        {
            Tensor z = Logits(xTest, w);
            result.Scalars["test_loss"] = BetaCrossEntropy.Loss(z, yTest, beta).item();
            result.Scalars["test_accuracy"] = Accuracy(z, yTest);
        }
        return result;
    }

    protected override IEnumerable<Quantity> Golden(RunRecord record)
    {
        foreach (string name in new[] { "loss0", "z0_norm", "dloss_dt0", "t_learn", "t_learn_censored", "test_loss", "test_accuracy" })
            yield return new(name, record.Scalars[name]);
        var steps = record.Curves["train_loss"].Steps;
        foreach (long step in new[] { steps[steps.Count / 2], steps[^1] })
        {
            yield return new($"train_loss@{step}", record.Curves["train_loss"].At(step));
            yield return new($"train_accuracy@{step}", record.Curves["train_accuracy"].At(step));
            yield return new($"entropy@{step}", record.Curves["entropy"].At(step));
        }
    }

    /// <summary>x = (mean of its class + N(0, 1)) / sqrt(D), labels uniform over the classes.</summary>
    static (Tensor x, Tensor y) Sample(Tensor means, int count, Generator g)
    {
        long classes = means.shape[0], features = means.shape[1];
        var y = randint(0, classes, [count], g);
        using var scope = NewDisposeScope();
        var x = ((means.index_select(0, y) + randn([count, features], g, float64)) / Math.Sqrt(features)).DetachFromDisposeScope();
        return (x, y);
    }

    /// <summary>z = W x (the loss and the probes scale it by beta).</summary>
    static Tensor Logits(Tensor x, Tensor w) => x.matmul(w.transpose(0, 1));


    static double Accuracy(Tensor z, Tensor y)
    {
        using var scope = NewDisposeScope();
        return z.argmax(1).eq(y).to(float64).mean().item();
    }


    sealed class DisposeAll(params Tensor[] tensors) : IDisposable
    {
        public void Dispose()
        {
            foreach (var t in tensors) t.Dispose();
        }
    }
}
