
using Repro.Torch;
using Repro.Torch.Optim;
using static Repro.Torch.torch;

namespace Repro.Training.Tests;

/// <summary>A run stopped after its checkpoint (cancelled, or killed) and resumed by a fresh
/// process-like setup (new model from the same seed, new streams, new trainer) ends exactly as the
/// uninterrupted run: same curves, scalars and weights, bit for bit (float64). A checkpoint that
/// cannot be used is reported and the run starts over.</summary>
public class CheckpointTests
{
    sealed class Killed() : Exception("killed");

    static TrainerOptions Options(string directory, string hash = "cell-a") => new()
    {
        Beta = 0.7,
        Eta = 0.3,
        Schedule = new StepSchedule(1, 0.5, [7, 17]),
        Momentum = 0.9,
        Nesterov = true,
        WeightDecay = 1e-3,
        LabelSmoothing = 0.1,
        // Noise and a dropout switch between the checkpoints and the interruptions: a resumed run
        // draws the same noise and switches at the same step.
        NoisySoftmax = new(Alpha: 0.3, AnnealSteps: 20),
        DropoutPhase = DropoutPhase.Early,
        DropoutSwitch = 14,
        Steps = 24,
        LogEvery = 4,
        EvalEvery = 8,
        CheckpointEvery = 10,
        CheckpointDirectory = directory,
        ConfigHash = hash,
        LogitScale = 2,
        NtkExamples = 2,
    };

    /// <summary>The uninterrupted run every test compares with (made once: it never changes).</summary>
    static readonly Lazy<(RunResult result, Dictionary<string, double[]> state)> Straight = new(() =>
    {
        using var dir = new TempDirectory();
        var straight = Run(Options(dir.Path));
        Assert.That(File.Exists(Options(dir.Path).CheckpointPath), Is.False, "a finished run deletes its checkpoint");
        return straight;
    });

    /// <summary>One run of TinyBnNet (batch norm and dropout) on 96 examples in batches of 16
    /// (6 per epoch, so checkpoints fall inside epochs); returns its result and final state.</summary>
    static (RunResult result, Dictionary<string, double[]> state) Run(TrainerOptions options, List<string>? log = null,
        Action<RunProgress>? progress = null, CancellationToken cancellation = default, int hidden = 16)
    {
        using var data = new TeacherData();
        using var dropout = new Generator(3);
        using var model = new TinyBnNet(4, dropout, hidden);
        var trainer = new Trainer(model, data.Data(), options)
        {
            LogitLayer = model.LogitLayer,
            ModelGenerators = [dropout],
            NoiseGenerator = dropout,
            Progress = progress,
            Log = m => log?.Add(m),
        };
        var result = trainer.Run(cancellation);
        return (result, Compare.State(model));
    }

    static void AssertSameRun((RunResult result, Dictionary<string, double[]> state) a, (RunResult result, Dictionary<string, double[]> state) b)
    {
        Assert.That(b.result.Status, Is.EqualTo(a.result.Status));
        Assert.That(b.result.Curves.Keys, Is.EquivalentTo(a.result.Curves.Keys));
        foreach (var (name, curve) in a.result.Curves)
        {
            Assert.That(b.result.Curves[name].Steps, Is.EqualTo(curve.Steps), name);
            Assert.That(b.result.Curves[name].Values, Is.EqualTo(curve.Values), name);
        }
        Assert.That(b.result.Scalars, Is.EquivalentTo(a.result.Scalars));
        Assert.That(b.state, Is.EqualTo(a.state), "final weights, batch-norm statistics");
    }

    [Test]
    public void ACancelledRunResumesToTheUninterruptedResult()
    {
        using var dir = new TempDirectory();

        using var cancel = new CancellationTokenSource();
        Assert.Throws<OperationCanceledException>(() => Run(Options(dir.Path), progress: p => { if (p.Step == 12) cancel.Cancel(); }, cancellation: cancel.Token));
        Assert.That(File.Exists(Options(dir.Path).CheckpointPath), "cancelling writes a checkpoint");

        var log = new List<string>();
        var resumed = Run(Options(dir.Path), log);
        Assert.That(log, Has.One.Contains("resumed").And.Contains("step 12"));
        AssertSameRun(Straight.Value, resumed);
    }

    [Test]
    public void ARunResumedAtAProbeStepMeasuresItsEntropyLawUpdateAsTheUninterruptedRun()
    {
        // Probes at every step: the checkpoint falls on a probe step, whose logits the uninterrupted
        // run kept from its probe and the resumed run measures again.
        static TrainerOptions EveryStep(string directory) => Options(directory) with { Probes = Dynamics.ProbeSchedule.EveryStep };
        using var straightDir = new TempDirectory();
        var straight = Run(EveryStep(straightDir.Path));
        Assert.That(straight.result.Curves["entropy_change"].Steps, Does.Contain(12L), "the update from step 12 is measured");

        using var dir = new TempDirectory();
        using var cancel = new CancellationTokenSource();
        Assert.Throws<OperationCanceledException>(() => Run(EveryStep(dir.Path), progress: p => { if (p.Step == 12) cancel.Cancel(); }, cancellation: cancel.Token));
        var log = new List<string>();
        var resumed = Run(EveryStep(dir.Path), log);
        Assert.That(log, Has.One.Contains("resumed").And.Contains("step 12"));
        AssertSameRun(straight, resumed);
    }

    [Test]
    public void AKilledRunResumesFromItsLastCheckpoint()
    {
        using var dir = new TempDirectory();
        // Killed at step 16: the last checkpoint is step 10's; steps 11-16 are done again.
        Assert.Throws<Killed>(() => Run(Options(dir.Path), progress: p => { if (p.Step == 16) throw new Killed(); }));
        var log = new List<string>();
        var resumed = Run(Options(dir.Path), log);
        Assert.That(log, Has.One.Contains("step 10"));
        AssertSameRun(Straight.Value, resumed);
    }

    [Test]
    public void AnUnreadableCheckpointIsReportedAndTheRunStartsOver()
    {
        foreach (var (what, content) in new (string, byte[])[] { ("garbage", "not a checkpoint"u8.ToArray()), ("empty", []) })
        {
            using var dir = new TempDirectory();
            string path = Options(dir.Path).CheckpointPath!;
            File.WriteAllBytes(path, content);
            var log = new List<string>();
            var run = Run(Options(dir.Path), log);
            Assert.That(log, Has.One.Contains(path).And.Contains("cannot be resumed"), what);
            Assert.That(run.result.Notes["checkpoint"], Does.Contain("starting over"), what);
            AssertSameRun(Straight.Value, run);
        }
    }

    [Test]
    public void ATruncatedCheckpointIsReportedAndTheRunStartsOver()
    {
        using var dir = new TempDirectory();
        Assert.Throws<Killed>(() => Run(Options(dir.Path), progress: p => { if (p.Step == 16) throw new Killed(); }));
        string path = Options(dir.Path).CheckpointPath!;
        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        var log = new List<string>();
        AssertSameRun(Straight.Value, Run(Options(dir.Path), log));
        Assert.That(log, Has.One.Contains("cannot be resumed").And.Contains("outside"));
    }

    [Test]
    public void ACheckpointThatFailsHalfWayIsUndone()
    {
        // The optimizer's state is loaded after the model's weights: a bad momentum buffer fails
        // after the model has changed, and the run must still start from the model's own init.
        using var dir = new TempDirectory();
        Assert.Throws<Killed>(() => Run(Options(dir.Path), progress: p => { if (p.Step == 16) throw new Killed(); }));
        string path = Options(dir.Path).CheckpointPath!;
        var tensors = Safetensors.Load(path, out var metadata);
        tensors["optimizer.0.momentum_buffer"].Dispose();
        tensors["optimizer.0.momentum_buffer"] = zeros([3], float64);
        Safetensors.Save(path, tensors, metadata);
        foreach (var t in tensors.Values) t.Dispose();

        var log = new List<string>();
        AssertSameRun(Straight.Value, Run(Options(dir.Path), log));
        Assert.That(log, Has.One.Contains("cannot be resumed").And.Contains("momentum_buffer"));
    }

    [Test]
    public void ACheckpointOfAnotherConfigurationOrModelIsNotResumed()
    {
        using var dir = new TempDirectory();
        Assert.Throws<Killed>(() => Run(Options(dir.Path, hash: "cell-b"), progress: p => { if (p.Step == 12) throw new Killed(); }));
        var log = new List<string>();
        AssertSameRun(Straight.Value, Run(Options(dir.Path), log));
        Assert.That(log, Has.One.Contains("belongs to configuration cell-b"));

        // Same hash, but a model of another shape: the weights do not fit.
        using var other = new TempDirectory();
        Assert.Throws<Killed>(() => Run(Options(other.Path), progress: p => { if (p.Step == 12) throw new Killed(); }, hidden: 12));
        log.Clear();
        AssertSameRun(Straight.Value, Run(Options(other.Path), log));
        Assert.That(log, Has.One.Contains("cannot be resumed").And.Contains("shape"));
    }
}

sealed class TempDirectory : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("repro-training-").FullName;
    public void Dispose() => Directory.Delete(Path, recursive: true);
}
