using Repro.Torch;
using static Repro.Torch.torch;

namespace Repro.Dynamics.Tests;

public class NoisySoftmaxTests
{
    [Test]
    public void WithTheNoiseFixedTheGradientIsTheSoftmaxOfTheNoisyLogitsThroughTheTargetsFactor()
    {
        // f = beta z, f'_y = f_y - alpha |f_y| |n|: dL/dz_j = (beta / M) (softmax(f')_j - Y_j) * (j = y ? 1 - alpha sign(f_y) |n| : 1).
        double beta = 0.7, alpha = 0.3;
        using var g = new Generator(4);
        using var z = (randn([5, 4], g, ScalarType.Float64) * 3).requires_grad_(true);
        using var labels = tensor(new long[] { 0, 3, 1, 1, 2 }, [5]);
        using var noise = randn([5], g, ScalarType.Float64);
        using var loss = NoisySoftmax.Loss(z, labels, beta, alpha, noise);
        loss.backward();

        double[] zs = z.detach().ToArray<double>(), ns = noise.ToArray<double>();
        long[] ys = labels.ToArray<long>();
        double expectedLoss = 0;
        var expected = new double[20];
        for (int i = 0; i < 5; i++)
        {
            var f = Enumerable.Range(0, 4).Select(j => beta * zs[i * 4 + j]).ToArray();
            double fy = f[ys[i]];
            f[ys[i]] = fy - alpha * Math.Abs(fy) * Math.Abs(ns[i]);
            double max = f.Max(), sum = f.Sum(v => Math.Exp(v - max));
            expectedLoss += -(f[ys[i]] - max - Math.Log(sum)) / 5;
            for (int j = 0; j < 4; j++)
            {
                double p = Math.Exp(f[j] - max) / sum, y = j == ys[i] ? 1 : 0;
                double factor = j == ys[i] ? 1 - alpha * Math.Sign(fy) * Math.Abs(ns[i]) : 1;
                expected[i * 4 + j] = beta / 5 * (p - y) * factor;
            }
        }
        Assert.That(loss.item(), Is.EqualTo(expectedLoss).Within(1e-14));
        Assert.That(z.grad!.ToArray<double>(), Is.EqualTo(expected).Within(1e-14));
    }

    [Test]
    public void TheNoiseRaisesTheLossOfAConfidentlyRightExample()
    {
        // A positive target logit is lowered, so the softmax saturates later.
        using var z = tensor(new[] { 4.0, 0.0, 0.0 }, [1, 3]);
        using var label = tensor(new long[] { 0 }, [1]);
        using var noise = tensor(new[] { -1.5 }, [1]);
        using var clean = BetaCrossEntropy.Loss(z, label, beta: 1);
        using var noisy = NoisySoftmax.Loss(z, label, beta: 1, alpha: 0.2, noise);
        // f'_0 = 4 - 0.2 * 4 * 1.5 = 2.8.
        Assert.That(noisy.item(), Is.EqualTo(-(2.8 - Math.Log(Math.Exp(2.8) + 2))).Within(1e-14));
        Assert.That(noisy.item(), Is.GreaterThan(clean.item()));
    }

    [Test]
    public void AlphaFallsLinearlyFromItsStartToZeroAtTheEndOfTheAnnealing()
    {
        var noisy = new NoisySoftmax(Alpha: 0.4, AnnealSteps: 100);
        Assert.That(noisy.AlphaAt(0), Is.EqualTo(0.4));
        Assert.That(noisy.AlphaAt(25), Is.EqualTo(0.3).Within(1e-15));
        Assert.That(noisy.AlphaAt(99), Is.EqualTo(0.004).Within(1e-15));
        Assert.That(noisy.AlphaAt(100), Is.Zero);
        Assert.That(noisy.AlphaAt(1000), Is.Zero);
    }

    [Test]
    public void AtAlphaZeroItIsTheBetaCrossEntropy()
    {
        using var g = new Generator(5);
        using var z = randn([6, 3], g, ScalarType.Float64);
        using var labels = tensor(new long[] { 0, 1, 2, 0, 1, 2 }, [6]);
        using var noise = randn([6], g, ScalarType.Float64);
        using var plain = BetaCrossEntropy.Loss(z, labels, 2.0, labelSmoothing: 0.1);
        using var noisy = NoisySoftmax.Loss(z, labels, 2.0, alpha: 0, noise, labelSmoothing: 0.1);
        Assert.That(noisy.item(), Is.EqualTo(plain.item()));
        Assert.That(() => new NoisySoftmax(-1, 10).Validate(), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("alpha"));
        Assert.That(() => new NoisySoftmax(0.1, 0).Validate(), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("at least 1 step"));
    }
}
