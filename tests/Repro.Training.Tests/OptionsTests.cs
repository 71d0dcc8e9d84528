using Repro.Models;
using Repro.Torch;
using Repro.Torch.Optim;

namespace Repro.Training.Tests;

/// <summary>A bad option fails before anything runs, with an ArgumentException that names it.</summary>
public class OptionsTests
{
    static readonly TrainerOptions Good = new() { Eta = 0.1, Steps = 10 };

    static IEnumerable<TestCaseData> BadOptions()
    {
        TestCaseData Case(TrainerOptions options, string name, string says) => new TestCaseData(options, name, says).SetName($"{name}: {says}");
        yield return Case(Good with { Beta = 0 }, "beta", "inverse temperature");
        yield return Case(Good with { Beta = double.PositiveInfinity }, "beta", "finite");
        yield return Case(Good with { Eta = double.NaN }, "Eta", "learning rate");
        yield return Case(Good with { Eta = -1 }, "Eta", "> 0");
        yield return Case(Good with { LogitScale = 0 }, "logitScale", "||Z0||");
        yield return Case(Good with { Schedule = new StepSchedule(0.1, 0.2, [5]) }, "Schedule", "lr = 1");
        yield return Case(Good with { Momentum = 1 }, "Momentum", "[0, 1)");
        yield return Case(Good with { Nesterov = true }, "Nesterov", "Momentum > 0");
        yield return Case(Good with { WeightDecay = -1e-4 }, "WeightDecay", ">= 0");
        yield return Case(Good with { LabelSmoothing = 1 }, "LabelSmoothing", "[0, 1)");
        yield return Case(Good with { Steps = 0 }, "Steps", ">= 1");
        yield return Case(Good with { LogEvery = 0 }, "LogEvery", ">= 1");
        yield return Case(Good with { EvalEvery = -1 }, "EvalEvery", ">= 0");
        yield return Case(Good with { CheckpointEvery = -1 }, "CheckpointEvery", ">= 0");
        yield return Case(Good with { CheckpointEvery = 5 }, "CheckpointDirectory", "CheckpointEvery = 5");
        yield return Case(Good with { CheckpointEvery = 5, CheckpointDirectory = "/tmp/x" }, "ConfigHash", "another configuration");
        yield return Case(Good with { NtkExamples = -1 }, "NtkExamples", ">= 0");
    }

    [TestCaseSource(nameof(BadOptions))]
    public void ABadOptionIsNamed(TrainerOptions options, string name, string says)
    {
        var e = Assert.Throws(Is.InstanceOf<ArgumentException>(), options.Validate) as ArgumentException;
        Assert.That(e!.ParamName, Is.EqualTo(name));
        Assert.That(e.Message, Does.Contain(says));
    }

    [Test]
    public void TheDefaultsAreValid() => Assert.That(Good.Validate, Throws.Nothing);

    [Test]
    public void CudaWhereThereIsNoneFailsAtOnce()
    {
        Assume.That(Repro.Torch.torch.cuda.is_available(), Is.False, "this machine has a GPU");
        var e = Assert.Throws<ArgumentException>((Good with { Device = Device.CUDA }).Validate);
        Assert.That(e!.ParamName, Is.EqualTo("Device"));
        Assert.That(e.Message, Does.Contain("cuda").And.Contain("libtorch"));
    }

    [Test]
    public void OptionsThatNeedTheModelOrProbeAreCheckedBeforeTraining()
    {
        using var data = new TeacherData(probeSize: 4);
        using var g = new Generator(1);
        using var model = new Mlp([TeacherData.Features, 8, TeacherData.Classes], "tanh", g, ScalarType.Float64);
        using var stranger = new Repro.Torch.Modules.Linear(8, 4, g);
        Assert.That(() => new Trainer(model, data.Data(), Good with { NtkExamples = 5 }).Run(),
            Throws.ArgumentException.With.Message.Contains("NtkExamples = 5").And.Message.Contains("4 probe examples"));
        Assert.That(() => new Trainer(model, data.Data(), Good with { LogitScale = 1 }).Run(),
            Throws.ArgumentException.With.Message.Contains("LogitLayer"));
        Assert.That(() => new Trainer(model, data.Data(), Good) { LogitLayer = stranger }.Run(),
            Throws.ArgumentException.With.Message.Contains("not a layer of the model"));
    }
}
