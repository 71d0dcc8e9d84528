using static Repro.Torch.torch;
using F = Repro.Torch.torch.nn.functional;

namespace Repro.Torch.Tests;

/// <summary>Every differentiable op of the binding against central finite differences (float64).</summary>
[Parallelizable(ParallelScope.All)]
public class GradCheckTests
{
    static Tensor R(Generator g, params long[] shape) => randn(shape, g, float64);

    // Values kept away from 0 so that abs, relu, sqrt, log and clamp are differentiable there.
    static Tensor AwayFromZero(Generator g, params long[] shape)
    {
        Tensor x = R(g, shape);
        return x + x.gt(0).to(float64) * 0.2 - x.le(0).to(float64) * 0.2;
    }

    static Tensor Positive(Generator g, params long[] shape) => R(g, shape).abs() + 0.5;

    [Test]
    public void Arithmetic()
    {
        using var g = new Generator(1);
        using var scope = NewDisposeScope();
        GradCheck.Check(x => x[0] + x[1] * 2.5 - x[0].sub(x[1], 0.3), R(g, 3, 4), R(g, 3, 4));
        GradCheck.Check(x => x[0] * x[1] / (x[1].square() + 1.0), R(g, 3, 4), R(g, 3, 4));
        GradCheck.Check(x => 2.0 / x[0] - (1.0 - x[0]), Positive(g, 5));
        GradCheck.Check(x => x[0].pow(x[1]), Positive(g, 4), R(g, 4));
        GradCheck.Check(x => x[0].pow(3.0), R(g, 4));
        GradCheck.Check(x => x[0].maximum(x[1]) + x[0].minimum(x[1]), R(g, 6), R(g, 6) + 0.05);
        GradCheck.Check(x => x[0].add(x[1]), R(g, 3, 1), R(g, 1, 4)); // broadcasting
    }

    [Test]
    public void Unary()
    {
        using var g = new Generator(2);
        using var scope = NewDisposeScope();
        GradCheck.Check(x => x[0].exp(), R(g, 5));
        GradCheck.Check(x => x[0].log(), Positive(g, 5));
        GradCheck.Check(x => x[0].tanh(), R(g, 5));
        GradCheck.Check(x => x[0].sigmoid(), R(g, 5));
        GradCheck.Check(x => x[0].relu(), AwayFromZero(g, 8));
        GradCheck.Check(x => x[0].sqrt(), Positive(g, 5));
        GradCheck.Check(x => x[0].abs(), AwayFromZero(g, 8));
        GradCheck.Check(x => x[0].clamp(-0.5, 0.5), R(g, 10) * 0.9 + 0.013);
        GradCheck.Check(x => x[0].clamp(min: 0.1), R(g, 10) + 0.017);
        GradCheck.Check(x => x[0].square() - x[0], R(g, 5));
    }

    [Test]
    public void Reductions()
    {
        using var g = new Generator(3);
        using var scope = NewDisposeScope();
        GradCheck.Check(x => x[0].sum(), R(g, 3, 4));
        GradCheck.Check(x => x[0].sum([1], keepdim: true), R(g, 3, 4));
        GradCheck.Check(x => x[0].mean(), R(g, 3, 4));
        GradCheck.Check(x => x[0].mean([0]), R(g, 3, 4));
        GradCheck.Check(x => x[0].max(), R(g, 7));
        GradCheck.Check(x => x[0].min(), R(g, 7));
        GradCheck.Check(x => x[0].max(1).values, R(g, 3, 5));
        GradCheck.Check(x => x[0].norm(), R(g, 3, 4));
        GradCheck.Check(x => x[0].norm(2, [1]), R(g, 3, 4));
        GradCheck.Check(x => x[0].logsumexp([1]), R(g, 3, 4));
    }

    [Test]
    public void ShapesAndIndexing()
    {
        using var g = new Generator(4);
        using var scope = NewDisposeScope();
        Tensor index = tensor(new long[] { 2, 0, 2 });
        Tensor gatherIndex = tensor(new long[] { 0, 3, 1, 1, 2, 0 }, [3, 2]);
        GradCheck.Check(x => x[0].reshape(4, 3), R(g, 3, 4));
        GradCheck.Check(x => x[0].view(12), R(g, 3, 4));
        GradCheck.Check(x => x[0].permute(2, 0, 1), R(g, 2, 3, 4));
        GradCheck.Check(x => x[0].transpose(0, 1), R(g, 3, 4));
        GradCheck.Check(x => x[0].unsqueeze(1).expand(3, 2, 4), R(g, 3, 4));
        GradCheck.Check(x => x[0].unsqueeze(0).squeeze(0).flatten(), R(g, 3, 4));
        GradCheck.Check(x => cat([x[0], x[1]], 1), R(g, 3, 2), R(g, 3, 4));
        GradCheck.Check(x => stack([x[0], x[1]], 0), R(g, 3, 4), R(g, 3, 4));
        GradCheck.Check(x => x[0].narrow(1, 1, 2), R(g, 3, 4));
        GradCheck.Check(x => x[0].index_select(0, index), R(g, 3, 4));
        GradCheck.Check(x => x[0].gather(1, gatherIndex), R(g, 3, 4));
        GradCheck.Check(x => where(x[0].gt(0), x[0], x[1]), AwayFromZero(g, 6), R(g, 6));
    }

    [Test]
    public void LinearAlgebra()
    {
        using var g = new Generator(5);
        using var scope = NewDisposeScope();
        GradCheck.Check(x => x[0].matmul(x[1]), R(g, 3, 4), R(g, 4, 2));
        GradCheck.Check(x => x[0].matmul(x[1]), R(g, 2, 3, 4), R(g, 4, 2)); // batched
        GradCheck.Check(x => F.linear(x[0], x[1], x[2]), R(g, 5, 4), R(g, 3, 4), R(g, 3));
        GradCheck.Check(x => F.linear(x[0], x[1]), R(g, 5, 4), R(g, 3, 4));
    }

    [TestCase(1, 0, 1, 1)]
    [TestCase(2, 1, 1, 1)]
    [TestCase(1, 2, 2, 1)]
    [TestCase(1, 1, 1, 2)]
    public void Conv2d(int stride, int padding, int dilation, int groups)
    {
        using var g = new Generator(6);
        using var scope = NewDisposeScope();
        GradCheck.Check(x => F.conv2d(x[0], x[1], x[2], stride, padding, dilation, groups),
            R(g, 2, 4, 6, 6), R(g, 4, 4 / groups, 3, 3), R(g, 4));
    }

    [Test]
    public void BatchNormInTrainingMode()
    {
        using var g = new Generator(7);
        using var scope = NewDisposeScope();
        GradCheck.Check(x => F.batch_norm(x[0], null, null, x[1], x[2], training: true), R(g, 4, 3, 2, 2), R(g, 3), R(g, 3));
        // With running statistics to update, the output (batch statistics) and its gradient are the same.
        Tensor mean = zeros([3], float64), variance = ones([3], float64);
        GradCheck.Check(x => F.batch_norm(x[0], mean, variance, x[1], x[2], training: true), R(g, 4, 3, 2, 2), R(g, 3), R(g, 3));
    }

    [Test]
    public void BatchNormInEvalMode()
    {
        using var g = new Generator(8);
        using var scope = NewDisposeScope();
        Tensor mean = R(g, 3), variance = Positive(g, 3);
        GradCheck.Check(x => F.batch_norm(x[0], mean, variance, x[1], x[2], training: false), R(g, 4, 3, 2, 2), R(g, 3), R(g, 3));
    }

    [Test]
    public void Pooling()
    {
        using var g = new Generator(9);
        using var scope = NewDisposeScope();
        GradCheck.Check(x => F.max_pool2d(x[0], 2), R(g, 2, 3, 4, 4));
        GradCheck.Check(x => F.max_pool2d(x[0], 3, stride: 2, padding: 1), R(g, 1, 2, 5, 5));
        GradCheck.Check(x => F.avg_pool2d(x[0], 2), R(g, 2, 3, 4, 4));
        GradCheck.Check(x => F.avg_pool2d(x[0], 3, stride: 1, padding: 1), R(g, 1, 2, 4, 4));
        GradCheck.Check(x => F.adaptive_avg_pool2d(x[0], (1, 1)), R(g, 2, 3, 5, 5));
        GradCheck.Check(x => F.adaptive_avg_pool2d(x[0], (2, 3)), R(g, 1, 2, 5, 7));
    }

    [Test]
    public void DropoutWithAFixedMask()
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(10);
        // A fresh generator with the same seed in every evaluation gives the same mask.
        GradCheck.Check(x => { using var mask = new Generator(99); return F.dropout(x[0], 0.3, true, mask); }, R(g, 4, 5));
    }

    [Test]
    public void SoftmaxAndLosses()
    {
        using var g = new Generator(11);
        using var scope = NewDisposeScope();
        Tensor target = tensor(new long[] { 0, 3, 1, 3, 2 });
        GradCheck.Check(x => x[0].softmax(1), R(g, 5, 4));
        GradCheck.Check(x => x[0].log_softmax(1), R(g, 5, 4));
        GradCheck.Check(x => F.nll_loss(x[0].log_softmax(1), target), R(g, 5, 4));
        GradCheck.Check(x => F.nll_loss(x[0], target, nn.Reduction.Sum), R(g, 5, 4));
        GradCheck.Check(x => F.cross_entropy(x[0], target), R(g, 5, 4));
        GradCheck.Check(x => F.cross_entropy(x[0], target, nn.Reduction.None), R(g, 5, 4));
        GradCheck.Check(x => F.cross_entropy(x[0], target, label_smoothing: 0.1), R(g, 5, 4));
    }

    [Test]
    public void Embedding()
    {
        using var g = new Generator(12);
        using var scope = NewDisposeScope();
        Tensor indices = tensor(new long[] { 1, 4, 1, 0, 2, 4 }, [2, 3]);
        GradCheck.Check(x => F.embedding(indices, x[0]), R(g, 5, 3));

        // The padding row is read in the forward pass but gets no gradient (PyTorch's rule).
        Tensor weight = R(g, 5, 3).requires_grad_();
        F.embedding(indices, weight, padding_idx: 4).sum().backward();
        double[] grad = weight.grad!.ToArray<double>();
        Assert.That(grad.Skip(4 * 3).Take(3), Is.All.EqualTo(0.0));
        Assert.That(grad.Skip(1 * 3).Take(3), Is.All.EqualTo(2.0)); // index 1 appears twice
    }

    [TestCase(1, false, false)]
    [TestCase(2, true, false)]
    [TestCase(1, false, true)]
    public void Gru(int layers, bool bidirectional, bool batchFirst)
    {
        using var g = new Generator(13);
        using var scope = NewDisposeScope();
        const long input = 3, hidden = 2, seq = 3, batch = 2;
        int directions = bidirectional ? 2 : 1;
        var inputs = new List<Tensor>
        {
            batchFirst ? R(g, batch, seq, input) : R(g, seq, batch, input),
            R(g, layers * directions, batch, hidden),
        };
        for (int l = 0; l < layers; l++)
            for (int d = 0; d < directions; d++)
            {
                long layerInput = l == 0 ? input : hidden * directions;
                inputs.AddRange([R(g, 3 * hidden, layerInput), R(g, 3 * hidden, hidden), R(g, 3 * hidden), R(g, 3 * hidden)]);
            }
        GradCheck.Check(x =>
        {
            var (output, hN) = F.gru(x[0], x[1], x[2..], true, layers, bidirectional, batchFirst);
            return cat([output.flatten(), hN.flatten()]);
        }, inputs.ToArray());
    }

    // Second order: what the linearized model's Jacobian-vector products (double backward) need.
    [Test]
    public void SecondOrder()
    {
        using var g = new Generator(14);
        using var scope = NewDisposeScope();
        Tensor target = tensor(new long[] { 0, 2, 1 });
        GradCheck.CheckSecondOrder(x => F.linear(x[0], x[1], x[2]).tanh(), R(g, 3, 4), R(g, 2, 4), R(g, 2));
        GradCheck.CheckSecondOrder(x => x[0].sigmoid() * x[0].exp(), R(g, 5));
        GradCheck.CheckSecondOrder(x => F.cross_entropy(x[0].matmul(x[1]), target), R(g, 3, 4), R(g, 4, 3));
        GradCheck.CheckSecondOrder(x => x[0].log_softmax(1) * x[0].softmax(1), R(g, 3, 4));
        GradCheck.CheckSecondOrder(x => F.conv2d(x[0], x[1], null, 1, 1).tanh(), R(g, 1, 2, 4, 4), R(g, 3, 2, 3, 3));
        GradCheck.CheckSecondOrder(x => F.batch_norm(x[0], null, null, null, null, training: true).tanh(), R(g, 4, 3));
        GradCheck.CheckSecondOrder(x =>
        {
            var (output, _) = F.gru(x[0], x[1], x[2..], true, 1, false, false);
            return output;
        }, R(g, 2, 1, 2), R(g, 1, 1, 2), R(g, 6, 2), R(g, 6, 2), R(g, 6), R(g, 6));
    }
}
