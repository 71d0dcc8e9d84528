using Repro.Torch;
using Repro.Torch.Modules;
using static Repro.Torch.torch;

namespace Repro.Models.Tests;

public class ResNet50Tests
{
    [Test]
    public void HasTorchvisionsParametersAndBuffers()
    {
        using var g = new Generator(0);
        using var model = new ResNet50(g);
        Assert.That(ModelAssert.ParameterCount(model), Is.EqualTo(25_557_032));
        Assert.That(model.parameters(), Has.Count.EqualTo(161));
        Assert.That(model.named_buffers().Count(), Is.EqualTo(159));
        var keys = model.state_dict().Keys.ToList();
        Assert.That(keys, Has.Count.EqualTo(320));
        Assert.That(keys.Take(8), Is.EqualTo(new[]
        {
            "conv1.weight", "bn1.weight", "bn1.bias", "bn1.running_mean", "bn1.running_var", "bn1.num_batches_tracked",
            "layer1.0.conv1.weight", "layer1.0.bn1.weight",
        }));
        Assert.That(keys.Where(k => k.Contains("downsample", StringComparison.Ordinal)).Take(6), Is.EqualTo(new[]
        {
            "layer1.0.downsample.0.weight", "layer1.0.downsample.1.weight", "layer1.0.downsample.1.bias",
            "layer1.0.downsample.1.running_mean", "layer1.0.downsample.1.running_var", "layer1.0.downsample.1.num_batches_tracked",
        }));
        Assert.That(keys.TakeLast(3), Is.EqualTo(new[] { "layer4.2.bn3.num_batches_tracked", "fc.weight", "fc.bias" }));
        Assert.That(model.state_dict()["layer3.5.bn2.num_batches_tracked"].dtype, Is.EqualTo(ScalarType.Int64));
        // v1.5: the stride of a downsampling block is on its 3x3 convolution.
        Assert.That(model.state_dict()["layer2.0.conv2.weight"].shape, Is.EqualTo(new long[] { 128, 128, 3, 3 }));
        Assert.That(model.LogitLayer.weight.shape, Is.EqualTo(new long[] { 1000, 2048 }));
    }

    [Test]
    public void ReducedWidthVariantGivesOneLogitPerClass()
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(1);
        using var model = new ResNet50(g, classes: 10, width: 8);
        Assert.That(model.LogitLayer.weight.shape, Is.EqualTo(new long[] { 10, 256 }));
        Assert.That(model.forward(randn([2, 3, 64, 64], g)).shape, Is.EqualTo(new long[] { 2, 10 }));
        model.eval();
        Assert.That(model.forward(randn([1, 3, 32, 32], g)).shape, Is.EqualTo(new long[] { 1, 10 }));
    }

    [Test]
    public void InitializationIsTorchvisions()
    {
        using var g = new Generator(0);
        using var model = new ResNet50(g, width: 16);
        var state = model.state_dict();
        foreach (var (name, t) in state.Where(kv => kv.Key.EndsWith("bn1.weight", StringComparison.Ordinal)))
            Assert.That(t.ToArray<float>(), Is.All.EqualTo(1f), name);
        foreach (var (name, t) in state.Where(kv => kv.Key.EndsWith("bn1.bias", StringComparison.Ordinal)))
            Assert.That(t.ToArray<float>(), Is.All.EqualTo(0f), name);
        Tensor w = state["layer4.1.conv2.weight"];  // 128 x 128 x 3 x 3: fan_out 128 * 9
        double std = Math.Sqrt(2.0 / (128 * 9));
        using var rms = w.square().mean();
        Assert.That(Math.Sqrt(rms.item()), Is.EqualTo(std).Within(std * 0.02));
        // The logit layer keeps nn.Linear's U(-1/sqrt(in), 1/sqrt(in)).
        using var max = model.LogitLayer.weight.abs().max();
        Assert.That(max.item(), Is.LessThanOrEqualTo(1 / Math.Sqrt(512)).And.GreaterThan(0.9 / Math.Sqrt(512)));
    }

    [Test]
    public void TheSameSeedGivesTheSameNetwork()
    {
        using Generator g1 = new(5), g2 = new(5), g3 = new(6);
        using ResNet50 a = new(g1, width: 8), b = new(g2, width: 8), c = new(g3, width: 8);
        ModelAssert.SameState(a, b, expectEqual: true);
        ModelAssert.SameState(a, c, expectEqual: false);
    }

    [Test]
    public void BadInputsAreArgumentErrors()
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(0);
        using var model = new ResNet50(g, classes: 10, width: 4);
        var e = Assert.Throws<ArgumentException>(() => model.forward(randn([2, 1, 32, 32], g)));
        Assert.That(e!.Message, Does.Contain("(N, 3, H, W)").And.Contain("[2, 1, 32, 32]"));
        Assert.That(Assert.Throws<ArgumentException>(() => new ResNet50(g, width: 0))!.ParamName, Is.EqualTo("width"));
        Assert.That(Assert.Throws<ArgumentException>(() => new ResNet50(g, classes: 0))!.ParamName, Is.EqualTo("classes"));
    }

    [Test]
    public void TrainsOneStepAndCountsBatches()
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(2);
        using var model = new ResNet50(g, classes: 4, width: 4);
        using var opt = optim.SGD(model.parameters(), lr: 0.1);
        Tensor x = randn([4, 3, 32, 32], g), y = randint(0, 4, [4], g);
        Tensor loss = nn.functional.cross_entropy(model.forward(x), y);
        loss.backward();
        Assert.That(model.parameters().All(p => p.grad is not null), Is.True, "every parameter gets a gradient");
        opt.step();
        Assert.That(model.state_dict()["layer4.2.bn3.num_batches_tracked"].item(), Is.EqualTo(1));
    }
}

/// <summary>The in-place relu the models use (added to Repro.Torch with them).</summary>
public class InPlaceReluTests
{
    [Test]
    public void GradientIsThatOfRelu()
    {
        using var scope = NewDisposeScope();
        Tensor x = tensor(new[] { -1f, 0.5f, 2f, -3f }, requires_grad: true);
        Tensor y = (x * 1).relu_();
        Assert.That(y.ToArray<float>(), Is.EqualTo(new[] { 0f, 0.5f, 2f, 0f }));
        (y * y).sum().backward();
        Assert.That(x.grad!.ToArray<float>(), Is.EqualTo(new[] { 0f, 1f, 4f, 0f }));
    }

    [Test]
    public void OnALeafThatNeedsGradientItIsAnError()
    {
        using var x = tensor(new[] { -1f, 1f }, requires_grad: true);
        Assert.Throws<TorchException>(() => x.relu_());
    }
}
