using Repro.Torch;
using static Repro.Torch.torch;
using F = Repro.Torch.torch.nn.functional;

namespace Repro.Models.Tests;

public class WideResNetTests
{
    [Test]
    public void Wrn28x10WithBatchNormHasTheKnownParameterCount()
    {
        using var g = new Generator(0);
        using var model = new WideResNet(28, 10, 0, batchNorm: true, classes: 10, g);
        Assert.That(ModelAssert.ParameterCount(model), Is.EqualTo(36_479_194));
    }

    [TestCase(27)]
    [TestCase(4)]
    [TestCase(0)]
    public void DepthNotOfTheForm6nPlus4IsAnArgumentError(int depth)
    {
        using var g = new Generator(0);
        var e = Assert.Throws<ArgumentException>(() => new WideResNet(depth, 1, 0, true, 10, g));
        Assert.That(e!.Message, Does.Contain("6n + 4").And.Contain(depth.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.That(e.ParamName, Is.EqualTo("depth"));
    }

    [TestCase(true)]
    [TestCase(false)]
    public void OutputIsOneLogitPerClass(bool batchNorm)
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(1);
        using var model = new WideResNet(10, 2, 0, batchNorm, classes: 7, g);
        Assert.That(model.forward(randn([3, 3, 32, 32], g)).shape, Is.EqualTo(new long[] { 3, 7 }));
        Assert.That(model.LogitLayer.weight.shape, Is.EqualTo(new long[] { 7, 128 }));
    }

    [Test]
    public void OtherInputChannelsAndSizes()
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(1);
        using var model = new WideResNet(10, 1, 0, true, classes: 10, g, inputChannels: 1);
        Assert.That(model.forward(randn([2, 1, 28, 28], g)).shape, Is.EqualTo(new long[] { 2, 10 }));
        var e = Assert.Throws<ArgumentException>(() => model.forward(randn([2, 3, 28, 28], g)));
        Assert.That(e!.Message, Does.Contain("(N, 1, H, W)").And.Contain("[2, 3, 28, 28]"));
        Assert.Throws<ArgumentException>(() => model.forward(randn([1, 28, 28], g)));
    }

    [Test]
    public void ParameterNames()
    {
        using var g = new Generator(0);
        using var bn = new WideResNet(10, 1, 0, true, 10, g);
        Assert.That(bn.state_dict().Keys.Where(k => k.StartsWith("block2.", StringComparison.Ordinal)), Is.EqualTo(new[]
        {
            "block2.0.bn1.weight", "block2.0.bn1.bias", "block2.0.bn1.running_mean", "block2.0.bn1.running_var", "block2.0.bn1.num_batches_tracked",
            "block2.0.conv1.weight",
            "block2.0.bn2.weight", "block2.0.bn2.bias", "block2.0.bn2.running_mean", "block2.0.bn2.running_var", "block2.0.bn2.num_batches_tracked",
            "block2.0.conv2.weight", "block2.0.shortcut.weight",
        }));
        Assert.That(bn.state_dict().Keys.Take(1).Concat(bn.state_dict().Keys.TakeLast(7)), Is.EqualTo(new[]
        {
            "conv1.weight", "bn.weight", "bn.bias", "bn.running_mean", "bn.running_var", "bn.num_batches_tracked", "fc.weight", "fc.bias",
        }));
        // Block 1 of WRN-10-1 keeps 16 channels at stride 1: an identity shortcut, no conv.
        Assert.That(bn.state_dict().Keys.Any(k => k.StartsWith("block1.0.shortcut", StringComparison.Ordinal)), Is.False);

        using var plain = new WideResNet(10, 1, 0, false, 10, g);
        Assert.That(plain.named_parameters().Select(p => p.name).Where(k => k.StartsWith("block2.", StringComparison.Ordinal)), Is.EqualTo(new[]
        {
            "block2.0.skip_gain", "block2.0.conv1.weight", "block2.0.conv1.bias", "block2.0.conv2.weight", "block2.0.conv2.bias",
            "block2.0.shortcut.weight", "block2.0.shortcut.bias",
        }));
        Assert.That(plain.named_buffers(), Is.Empty);
    }

    [Test]
    public void WithoutBatchNormEachBlockIsItsShortcutAtInitialization()
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(3);
        using var model = new WideResNet(10, 1, 0, batchNorm: false, classes: 10, g);
        var w = model.state_dict();
        foreach (var (name, gain) in model.named_parameters().Where(p => p.name.EndsWith("skip_gain", StringComparison.Ordinal)))
            Assert.That(gain.item(), Is.Zero, name);

        // With the residual branches scaled by zero, WRN-10-1 is its stem conv followed by the
        // shortcuts: identity (block 1), then two strided 1x1 convs of the pre-activation.
        Tensor x = randn([2, 3, 32, 32], g);
        Tensor h = F.conv2d(x, w["conv1.weight"], w["conv1.bias"], padding: 1);
        h = F.conv2d(h.relu(), w["block2.0.shortcut.weight"], w["block2.0.shortcut.bias"], stride: 2);
        h = F.conv2d(h.relu(), w["block3.0.shortcut.weight"], w["block3.0.shortcut.bias"], stride: 2);
        Tensor expected = F.linear(F.adaptive_avg_pool2d(h.relu(), (1, 1)).flatten(1), w["fc.weight"], w["fc.bias"]);
        Tensor logits = model.forward(x);
        Assert.That(logits.ToArray<float>(), Is.EqualTo(expected.ToArray<float>()).Within(1e-6));

        // ... and the scalars still learn: their gradient is not zero.
        logits.sum().backward();
        Assert.That(model.named_parameters().Where(p => p.name.EndsWith("skip_gain", StringComparison.Ordinal))
            .All(p => p.parameter.grad is { } grad && grad.item() != 0), Is.True);
    }

    [Test]
    public void TheSameSeedGivesTheSameNetwork()
    {
        using Generator g1 = new(5), g2 = new(5), g3 = new(6);
        using WideResNet a = new(10, 2, 0, true, 10, g1), b = new(10, 2, 0, true, 10, g2), c = new(10, 2, 0, true, 10, g3);
        ModelAssert.SameState(a, b, expectEqual: true);
        ModelAssert.SameState(a, c, expectEqual: false);
    }

    [Test]
    public void ConvolutionsAreKaimingNormalFanOut()
    {
        using var g = new Generator(0);
        using var model = new WideResNet(16, 4, 0, true, 10, g);
        Tensor w = model.state_dict()["block3.1.conv2.weight"];  // 256 x 256 x 3 x 3
        double std = Math.Sqrt(2.0 / (256 * 9));
        using var mean = w.mean();
        using var sd = w.square().mean();
        Assert.That(mean.item(), Is.EqualTo(0).Within(std * 0.01));
        Assert.That(Math.Sqrt(sd.item()), Is.EqualTo(std).Within(std * 0.01));
    }

    [Test]
    public void DropoutActsInTrainingOnlyAndFollowsTheSeed()
    {
        // Dropout draws nothing at construction, so the same seed gives the same weights with and
        // without it.
        static float[] Logits(double dropout, bool training)
        {
            using var scope = NewDisposeScope();
            using Generator g = new(1), input = new(9);
            using var model = new WideResNet(10, 1, dropout, true, 10, g);
            model.train(training);
            return model.forward(randn([2, 3, 16, 16], input)).ToArray<float>();
        }
        Assert.That(Logits(0.3, training: false), Is.EqualTo(Logits(0, training: false)), "dropout is off in eval mode");
        Assert.That(Logits(0.3, training: true), Is.Not.EqualTo(Logits(0, training: true)), "dropout is on in training");
        Assert.That(Logits(0.3, training: true), Is.EqualTo(Logits(0.3, training: true)), "the masks come from the seeded generator");
    }

    [Test]
    public void BadArgumentsAreArgumentErrors()
    {
        using var g = new Generator(0);
        Assert.That(Assert.Throws<ArgumentException>(() => new WideResNet(10, 0, 0, true, 10, g))!.ParamName, Is.EqualTo("widenFactor"));
        Assert.That(Assert.Throws<ArgumentException>(() => new WideResNet(10, 1, 1, true, 10, g))!.ParamName, Is.EqualTo("dropout"));
        Assert.That(Assert.Throws<ArgumentException>(() => new WideResNet(10, 1, 0, true, 0, g))!.ParamName, Is.EqualTo("classes"));
    }
}
