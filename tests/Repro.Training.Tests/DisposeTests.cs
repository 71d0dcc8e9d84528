using Repro.Torch;
using static Repro.Torch.torch;

namespace Repro.Training.Tests;

/// <summary>Nothing a run makes outlives it: the live-tensor count (process-wide) is back where it
/// was after a run that checkpoints, is cancelled and resumes.</summary>
[NonParallelizable]
public class DisposeTests
{
    [Test]
    public void ARunLeavesNoTensorsBehind()
    {
        using var dir = new TempDirectory();
        using var data = new TeacherData();
        using var dropout = new Generator(3);
        using var model = new TinyBnNet(4, dropout);
        var options = new TrainerOptions
        {
            Eta = 0.1, Momentum = 0.9, Steps = 12, LogEvery = 2, EvalEvery = 4, CheckpointEvery = 4,
            CheckpointDirectory = dir.Path, ConfigHash = "h", NtkExamples = 2, LogitScale = 1,
        };
        GC.Collect();
        GC.WaitForPendingFinalizers();
        long before = LiveTensorCount;
        using (var cancel = new CancellationTokenSource())
            Assert.Throws<OperationCanceledException>(() =>
                new Trainer(model, data.Data(), options) { LogitLayer = model.LogitLayer, Progress = p => { if (p.Step == 6) cancel.Cancel(); } }.Run(cancel.Token));
        new Trainer(model, data.Data(), options) { LogitLayer = model.LogitLayer, Log = _ => { } }.Run();
        Assert.That(LiveTensorCount, Is.EqualTo(before));
    }
}
