using Repro.Models;
using Repro.Torch;
using static Repro.Torch.torch;

[assembly: Parallelizable(ParallelScope.Fixtures)]

namespace Repro.Dynamics.Tests;

public class InputTests
{
    [TestCase(0.0)]
    [TestCase(-0.5)]
    [TestCase(double.NaN)]
    public void BadBetaIsRejectedNamingIt(double beta)
    {
        using var z = zeros([2, 3]);
        using var y = zeros([2], ScalarType.Int64);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => BetaCrossEntropy.Loss(z, y, beta));
        Assert.That(e!.ParamName, Is.EqualTo("beta"));
        Assert.That(e.Message, Does.Contain("inverse temperature").And.Contain("> 0"));
    }

    [Test]
    public void NaNLearningRateAndZeroLogitScaleAreRejected()
    {
        Assert.That(() => Inputs.LearningRate(double.NaN, "etaTilde"),
            Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("etaTilde").And.Message.Contains("NaN"));
        Assert.That(() => Inputs.LogitScale(0),
            Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("||Z0||"));
    }
}

public class LossAndScaleTests
{
    [Test]
    public void LossIsCrossEntropyOfBetaTimesLogits()
    {
        using var z = tensor(new[] { 1.0, 2.0, 0.5, -1.0 }, [2, 2]);
        using var y = tensor(new long[] { 1, 0 }, [2]);
        double beta = 0.7;
        // -(1/2) [ln softmax(0.7, 1.4)_1 + ln softmax(0.35, -0.7)_0], by hand.
        double expected = -0.5 * (1.4 - Math.Log(Math.Exp(0.7) + Math.Exp(1.4)) + 0.35 - Math.Log(Math.Exp(0.35) + Math.Exp(-0.7)));
        using var loss = BetaCrossEntropy.Loss(z, y, beta);
        Assert.That(loss.item(), Is.EqualTo(expected).Within(1e-14));
    }

    [Test]
    public void RescalingTheLogitLayerHitsTheTargetNorm()
    {
        using var g = new Generator(3);
        using var model = new Mlp([8, 16, 5], "tanh", g, ScalarType.Float64);
        using var x = randn([32, 8], g, ScalarType.Float64);
        foreach (double beta in new[] { 0.01, 1, 30 })
        {
            double reached = LogitScale.Rescale(model.LogitLayer, () => model.forward(x), beta, target: 2.5);
            Assert.That(reached, Is.EqualTo(2.5).Within(1e-12), $"beta={beta}");
            using var scope = NewDisposeScope();
            Assert.That(LogitNorm.Rms(model.forward(x) * beta), Is.EqualTo(2.5).Within(1e-12));
        }
        Assert.That(() => LogitScale.Rescale(model.LogitLayer, () => model.forward(x), 1, 0), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void RmsNormIsRootMeanOfPerExampleSquaredNorms()
    {
        using var z = tensor(new[] { 3.0, 4.0, 0.0, 0.0 }, [2, 2]);
        Assert.That(LogitNorm.Rms(z), Is.EqualTo(Math.Sqrt(25.0 / 2)).Within(1e-15));
    }
}

public class ProbeTests
{
    [Test]
    public void EntropyOfUniformPredictionsIsLogK()
    {
        using var z = zeros([3, 10], ScalarType.Float64);
        Assert.That(Probes.Entropy(z), Is.EqualTo(Math.Log(10)).Within(1e-14));
    }
}

public class LogitOffsetTests
{
    [Test]
    public void TheOffsetMakesZ0TheSameForEveryBeta()
    {
        using var g = new Generator(8);
        using var f0 = randn([6, 4], g, ScalarType.Float64);
        using var z0 = LogitOffset.Target(f0, 2.0);
        Assert.That(LogitNorm.Rms(z0), Is.EqualTo(2.0).Within(1e-12));
        using (var gaussian = new Generator(9))
        using (var other = LogitOffset.Target(f0, 2.0, gaussian))
        {
            Assert.That(LogitNorm.Rms(other), Is.EqualTo(2.0).Within(1e-12));
            Assert.That(other.ToArray<double>(), Is.Not.EqualTo(z0.ToArray<double>()), "Gaussian logits are not the network's");
        }
        foreach (double beta in new[] { 0.01, 1, 50 })
        {
            using var c = LogitOffset.For(f0, z0, beta);
            using var scaled = (f0 + c) * beta;
            Assert.That(scaled.ToArray<double>(), Is.EqualTo(z0.ToArray<double>()).Within(1e-12), $"beta={beta}");
        }
        Assert.That(() => LogitOffset.Target(f0, 0), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => LogitOffset.For(f0, z0, -1), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }
}
