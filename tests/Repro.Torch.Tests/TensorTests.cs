using static Repro.Torch.torch;
using F = Repro.Torch.torch.nn.functional;

namespace Repro.Torch.Tests;

/// <summary>Values, shapes and dtypes of the tensor API against hand computations.</summary>
public class TensorTests
{
    [Test]
    public void CreationShapesAndDtypes()
    {
        using var scope = NewDisposeScope();
        Assert.That(zeros([2, 3]).shape, Is.EqualTo(new long[] { 2, 3 }));
        Assert.That(zeros([2, 3]).dtype, Is.EqualTo(ScalarType.Float32));
        Assert.That(ones([4], float64).ToArray<double>(), Is.All.EqualTo(1.0));
        Assert.That(full([2, 2], 7.5, float64).ToArray<double>(), Is.All.EqualTo(7.5));
        Assert.That(arange(5).ToArray<long>(), Is.EqualTo(new long[] { 0, 1, 2, 3, 4 }));
        Assert.That(arange(0, 1, 0.25, float64).ToArray<double>(), Is.EqualTo(new[] { 0, 0.25, 0.5, 0.75 }));
        Assert.That(tensor(new[] { true, false }).dtype, Is.EqualTo(ScalarType.Bool));
        Assert.That(tensor(new byte[] { 1, 255 }).ToArray<byte>(), Is.EqualTo(new byte[] { 1, 255 }));
        Assert.That(scalar_tensor(3.5, float64).item(), Is.EqualTo(3.5));
        Assert.That(scalar_tensor(3, int64).ndim, Is.EqualTo(0));
        Tensor m = tensor(new float[] { 1, 2, 3, 4, 5, 6 }, [2, 3]);
        Assert.That(m.ToString(), Is.EqualTo("Tensor[2, 3] Float32 cpu"));
        Assert.That(m.numel(), Is.EqualTo(6));
        Assert.That(m.size(-1), Is.EqualTo(3));
        Assert.That(m.to(float64).ToArray<double>(), Is.EqualTo(new double[] { 1, 2, 3, 4, 5, 6 }));
        Assert.That(m.device, Is.EqualTo(Device.CPU));
        ReadOnlySpan<double> span = [1.0, 2.0];
        Assert.That(tensor(span).ToArray<double>(), Is.EqualTo(new[] { 1.0, 2.0 }));
    }

    [Test]
    public void ArithmeticAndComparisons()
    {
        using var scope = NewDisposeScope();
        Tensor a = tensor(new double[] { 1, 2, 3 }), b = tensor(new double[] { 4, 5, 6 });
        Assert.That((a + b).ToArray<double>(), Is.EqualTo(new double[] { 5, 7, 9 }));
        Assert.That((a - b).ToArray<double>(), Is.EqualTo(new double[] { -3, -3, -3 }));
        Assert.That((a * b).ToArray<double>(), Is.EqualTo(new double[] { 4, 10, 18 }));
        Assert.That((b / a).ToArray<double>(), Is.EqualTo(new double[] { 4, 2.5, 2 }));
        Assert.That((10.0 - a).ToArray<double>(), Is.EqualTo(new double[] { 9, 8, 7 }));
        Assert.That((6.0 / a).ToArray<double>(), Is.EqualTo(new double[] { 6, 3, 2 }));
        Assert.That((-a).ToArray<double>(), Is.EqualTo(new double[] { -1, -2, -3 }));
        Assert.That(a.add(b, alpha: 2).ToArray<double>(), Is.EqualTo(new double[] { 9, 12, 15 }));
        Assert.That(a.pow(2).ToArray<double>(), Is.EqualTo(new double[] { 1, 4, 9 }));
        Assert.That((a > 1.5).ToArray<bool>(), Is.EqualTo(new[] { false, true, true }));
        Assert.That((a <= b).ToArray<bool>(), Is.EqualTo(new[] { true, true, true }));
        Assert.That(a.eq(2).ToArray<bool>(), Is.EqualTo(new[] { false, true, false }));
        Assert.That(a.clamp(1.5, 2.5).ToArray<double>(), Is.EqualTo(new[] { 1.5, 2, 2.5 }));
        Assert.That(a.exp().log().ToArray<double>(), Is.EqualTo(new double[] { 1, 2, 3 }).Within(1e-15));
        Assert.That(tensor(new double[] { -1, 0, 2 }).relu().ToArray<double>(), Is.EqualTo(new double[] { 0, 0, 2 }));
        Assert.That(tensor(new double[] { 0 }).sigmoid().item(), Is.EqualTo(0.5));
        Assert.That(tensor(new double[] { 1, double.NaN, double.PositiveInfinity }).isfinite().ToArray<bool>(), Is.EqualTo(new[] { true, false, false }));
        Assert.That(tensor(new long[] { 2, 0 }).one_hot(3).ToArray<long>(), Is.EqualTo(new long[] { 0, 0, 1, 1, 0, 0 }));
    }

    [Test]
    public void IntegerTensorsAddAndSubtractAsIntegers()
    {
        // libtorch refuses a floating alpha for integer tensors: batch norm's num_batches_tracked
        // (int64) compared across devices as `loaded - original` failed before alpha followed the dtype.
        using var scope = NewDisposeScope();
        Tensor a = tensor(new long[] { 5, 7 }), b = tensor(new long[] { 2, 3 });
        Assert.That((a - b).ToArray<long>(), Is.EqualTo(new long[] { 3, 4 }));
        Assert.That((a + b).ToArray<long>(), Is.EqualTo(new long[] { 7, 10 }));
        Assert.That(a.add(b, alpha: 2).ToArray<long>(), Is.EqualTo(new long[] { 9, 13 }));
        a.add_(b);
        Assert.That(a.ToArray<long>(), Is.EqualTo(new long[] { 7, 10 }));
        Assert.That((a - b).dtype, Is.EqualTo(ScalarType.Int64));
    }

    [Test]
    public void Reductions()
    {
        using var scope = NewDisposeScope();
        Tensor m = tensor(new double[] { 1, 5, 3, 4, 2, 6 }, [2, 3]);
        Assert.That(m.sum().item(), Is.EqualTo(21));
        Assert.That(m.sum([0]).ToArray<double>(), Is.EqualTo(new double[] { 5, 7, 9 }));
        Assert.That(m.sum([1], keepdim: true).shape, Is.EqualTo(new long[] { 2, 1 }));
        Assert.That(m.mean().item(), Is.EqualTo(3.5));
        Assert.That(m.max().item(), Is.EqualTo(6));
        Assert.That(m.min().item(), Is.EqualTo(1));
        var (values, indices) = m.max(1);
        Assert.That(values.ToArray<double>(), Is.EqualTo(new double[] { 5, 6 }));
        Assert.That(indices.ToArray<long>(), Is.EqualTo(new long[] { 1, 2 }));
        Assert.That(m.argmax(1).ToArray<long>(), Is.EqualTo(new long[] { 1, 2 }));
        Assert.That(m.argmax().item(), Is.EqualTo(5));
        Assert.That(tensor(new double[] { 3, 4 }).norm().item(), Is.EqualTo(5));
        Assert.That(m.norm(1, [1]).ToArray<double>(), Is.EqualTo(new double[] { 9, 12 }));
        Assert.That(m.logsumexp([1]).ToArray<double>()[0], Is.EqualTo(Math.Log(Math.Exp(1) + Math.Exp(5) + Math.Exp(3))).Within(1e-12));
    }

    [Test]
    public void ShapesAndIndexing()
    {
        using var scope = NewDisposeScope();
        Tensor m = arange(6).reshape(2, 3);
        Assert.That(m.transpose(0, 1).contiguous().ToArray<long>(), Is.EqualTo(new long[] { 0, 3, 1, 4, 2, 5 }));
        Assert.That(m.permute(1, 0).shape, Is.EqualTo(new long[] { 3, 2 }));
        Assert.That(m.view(3, 2).shape, Is.EqualTo(new long[] { 3, 2 }));
        Assert.That(m.narrow(1, 1, 2).contiguous().ToArray<long>(), Is.EqualTo(new long[] { 1, 2, 4, 5 }));
        Assert.That(m.index_select(1, tensor(new long[] { 2, 0 })).ToArray<long>(), Is.EqualTo(new long[] { 2, 0, 5, 3 }));
        Assert.That(m.gather(1, tensor(new long[] { 1, 0 }, [2, 1])).ToArray<long>(), Is.EqualTo(new long[] { 1, 3 }));
        Assert.That(cat([m, m], 0).shape, Is.EqualTo(new long[] { 4, 3 }));
        Assert.That(stack([m, m], 1).shape, Is.EqualTo(new long[] { 2, 2, 3 }));
        Assert.That(m.unsqueeze(0).shape, Is.EqualTo(new long[] { 1, 2, 3 }));
        Assert.That(m.unsqueeze(0).squeeze(0).shape, Is.EqualTo(new long[] { 2, 3 }));
        Assert.That(m.flatten().shape, Is.EqualTo(new long[] { 6 }));
        Assert.That(m.unsqueeze(1).expand(2, 4, 3).shape, Is.EqualTo(new long[] { 2, 4, 3 }));
    }

    [Test]
    public void InPlaceOps()
    {
        using var scope = NewDisposeScope();
        Tensor a = tensor(new double[] { 1, 2 });
        a.add_(tensor(new double[] { 10, 10 }), alpha: 0.5).mul_(2).add_(1);
        Assert.That(a.ToArray<double>(), Is.EqualTo(new double[] { 13, 15 }));
        a.copy_(tensor(new double[] { 7, 8 }));
        Assert.That(a.ToArray<double>(), Is.EqualTo(new double[] { 7, 8 }));
        a.zero_();
        Assert.That(a.ToArray<double>(), Is.EqualTo(new double[] { 0, 0 }));
        a.fill_(3);
        Assert.That(a.ToArray<double>(), Is.EqualTo(new double[] { 3, 3 }));
    }

    [Test]
    public void NeuralNetworkFunctionsMatchHandComputations()
    {
        using var scope = NewDisposeScope();
        Tensor logits = tensor(new double[] { 1, 2, 3, 1, 1, 1 }, [2, 3]);
        Tensor target = tensor(new long[] { 2, 0 });
        double expected = (-Math.Log(Math.Exp(3) / (Math.Exp(1) + Math.Exp(2) + Math.Exp(3))) - Math.Log(1.0 / 3)) / 2;
        Assert.That(F.cross_entropy(logits, target).item(), Is.EqualTo(expected).Within(1e-14));
        Assert.That(F.nll_loss(logits.log_softmax(1), target).item(), Is.EqualTo(expected).Within(1e-14));
        Assert.That(logits.softmax(1).sum([1]).ToArray<double>(), Is.All.EqualTo(1.0).Within(1e-15));

        Tensor x = ones([1, 1, 3, 3], float64), w = ones([1, 1, 2, 2], float64);
        Assert.That(F.conv2d(x, w).ToArray<double>(), Is.EqualTo(new double[] { 4, 4, 4, 4 }));
        Assert.That(F.conv2d(x, w, null, 1, 1).shape, Is.EqualTo(new long[] { 1, 1, 4, 4 }));
        Tensor img = arange(16, float64).reshape(1, 1, 4, 4);
        Assert.That(F.max_pool2d(img, 2).ToArray<double>(), Is.EqualTo(new double[] { 5, 7, 13, 15 }));
        Assert.That(F.avg_pool2d(img, 2).ToArray<double>(), Is.EqualTo(new double[] { 2.5, 4.5, 10.5, 12.5 }));
        Assert.That(F.adaptive_avg_pool2d(img, (1, 1)).item(), Is.EqualTo(7.5));
        Assert.That(F.linear(tensor(new double[] { 1, 2 }, [1, 2]), tensor(new double[] { 1, 1, 0, 1 }, [2, 2]), tensor(new double[] { 0.5, 0 })).ToArray<double>(),
            Is.EqualTo(new double[] { 3.5, 2 }));
        Tensor table = arange(6, float64).reshape(3, 2);
        Assert.That(F.embedding(tensor(new long[] { 2, 0 }), table).ToArray<double>(), Is.EqualTo(new double[] { 4, 5, 0, 1 }));
    }

    [Test]
    public void BatchNormUpdatesRunningStatisticsInTrainingMode()
    {
        using var scope = NewDisposeScope();
        Tensor x = tensor(new double[] { 1, 3, 5, 7 }, [4, 1]);
        Tensor mean = zeros([1], float64), variance = ones([1], float64);
        Tensor y = F.batch_norm(x, mean, variance, training: true, momentum: 0.1, eps: 0);
        Assert.That(y.mean().item(), Is.EqualTo(0).Within(1e-15));
        Assert.That(mean.item(), Is.EqualTo(0.1 * 4).Within(1e-15));
        Assert.That(variance.item(), Is.EqualTo(0.9 + 0.1 * (20.0 / 3)).Within(1e-14)); // unbiased batch variance
    }

    [Test]
    public void DropoutKeepsExpectationAndIsIdentityInEval()
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(3);
        Tensor x = ones([100000], float64);
        Tensor y = F.dropout(x, 0.25, true, g);
        double zeroShare = y.eq(0).to(float64).mean().item();
        Assert.That(zeroShare, Is.EqualTo(0.25).Within(0.01));
        Assert.That(y.mean().item(), Is.EqualTo(1).Within(0.02));
        Assert.That(F.dropout(x, 0.25, false, g).ToArray<double>(), Is.All.EqualTo(1.0));
    }

    [Test]
    public void NoGradScopeStopsRecordingAndNests()
    {
        using var scope = NewDisposeScope();
        Tensor w = ones([2], float64, requires_grad: true);
        Assert.That(is_grad_enabled(), Is.True);
        using (no_grad())
        {
            Assert.That((w * 2).requires_grad, Is.False);
            using (enable_grad()) Assert.That((w * 2).requires_grad, Is.True);
            Assert.That(is_grad_enabled(), Is.False);
        }
        Assert.That(is_grad_enabled(), Is.True);
        Assert.That((w * 2).requires_grad, Is.True);
    }

    [Test]
    public void BackwardAccumulatesAndClearGradResets()
    {
        using var scope = NewDisposeScope();
        Tensor w = tensor(new double[] { 1, 2 }, requires_grad: true);
        Assert.That(w.grad, Is.Null);
        (w * w).sum().backward();
        (w * 3.0).sum().backward();
        Assert.That(w.grad!.ToArray<double>(), Is.EqualTo(new double[] { 5, 7 }));
        w.clear_grad();
        Assert.That(w.grad, Is.Null);
    }

    [Test]
    public void DoubleBackwardGivesHessianVectorProducts()
    {
        using var scope = NewDisposeScope();
        // f(x) = sum(x^3): gradient 3x^2, Hessian diag(6x).
        Tensor x = tensor(new double[] { 1, 2, 3 }, requires_grad: true);
        Tensor grad = autograd.grad([x.pow(3).sum()], [x], create_graph: true)[0]!;
        Assert.That(grad.ToArray<double>(), Is.EqualTo(new double[] { 3, 12, 27 }));
        Tensor v = tensor(new double[] { 1, 0, 2 });
        Tensor hv = autograd.grad([(grad * v).sum()], [x])[0]!;
        Assert.That(hv.ToArray<double>(), Is.EqualTo(new double[] { 6, 0, 36 }));
    }

    [Test]
    public void AutogradGradWithUnusedInputsAndExplicitGradOutputs()
    {
        using var scope = NewDisposeScope();
        Tensor x = tensor(new double[] { 1, 2 }, requires_grad: true), unused = tensor(new double[] { 1 }, requires_grad: true);
        Tensor?[] grads = autograd.grad([x * 2.0], [x, unused], [tensor(new double[] { 1, 10 })], allow_unused: true);
        Assert.That(grads[0]!.ToArray<double>(), Is.EqualTo(new double[] { 2, 20 }));
        Assert.That(grads[1], Is.Null);
    }
}
