using Repro.Torch.Modules;
using static Repro.Torch.torch;

namespace Repro.Torch.Tests;

public class ModuleTests
{
    [Test]
    public void ParameterAndBufferNamesFollowPyTorch()
    {
        using var g = new Generator(1);
        using var cnn = new SmallCnn(g);
        Assert.That(cnn.state_dict().Keys, Is.EqualTo(new[]
        {
            "conv1.weight", "bn1.weight", "bn1.bias", "bn1.running_mean", "bn1.running_var", "bn1.num_batches_tracked",
            "conv2.weight", "bn2.weight", "bn2.bias", "bn2.running_mean", "bn2.running_var", "bn2.num_batches_tracked",
            "fc.weight", "fc.bias",
        }));
        Assert.That(cnn.named_parameters().Count(), Is.EqualTo(8));

        using var gru = nn.GRU(5, 4, g, numLayers: 2, bidirectional: true);
        var shapes = gru.named_parameters().ToDictionary(p => p.name, p => p.parameter.shape);
        Assert.That(shapes.Keys, Is.EqualTo(new[]
        {
            "weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0",
            "weight_ih_l0_reverse", "weight_hh_l0_reverse", "bias_ih_l0_reverse", "bias_hh_l0_reverse",
            "weight_ih_l1", "weight_hh_l1", "bias_ih_l1", "bias_hh_l1",
            "weight_ih_l1_reverse", "weight_hh_l1_reverse", "bias_ih_l1_reverse", "bias_hh_l1_reverse",
        }));
        Assert.That(shapes["weight_ih_l0"], Is.EqualTo(new long[] { 12, 5 }));
        Assert.That(shapes["weight_ih_l1"], Is.EqualTo(new long[] { 12, 8 }));
        Assert.That(shapes["weight_hh_l1_reverse"], Is.EqualTo(new long[] { 12, 4 }));

        using var seq = nn.Sequential(nn.Linear(3, 4, g), nn.ReLU(), nn.Linear(4, 2, g));
        Assert.That(seq.state_dict().Keys, Is.EqualTo(new[] { "0.weight", "0.bias", "2.weight", "2.bias" }));
    }

    [Test]
    public void GruShapesAndBatchFirstAgree()
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(2);
        using var gru = nn.GRU(3, 5, g, numLayers: 2);
        Tensor x = randn([7, 4, 3], g);
        var (output, hN) = gru.forward(x);
        Assert.That(output.shape, Is.EqualTo(new long[] { 7, 4, 5 }));
        Assert.That(hN.shape, Is.EqualTo(new long[] { 2, 4, 5 }));
        // The last output step is the top layer's final hidden state.
        Assert.That(output.narrow(0, 6, 1).squeeze(0).ToArray<float>(), Is.EqualTo(hN.narrow(0, 1, 1).squeeze(0).ToArray<float>()));

        using var g2 = new Generator(2);
        using var batchFirst = nn.GRU(3, 5, g2, numLayers: 2, batchFirst: true);
        var (outputBf, _) = batchFirst.forward(x.transpose(0, 1));
        Assert.That(outputBf.transpose(0, 1).contiguous().ToArray<float>(), Is.EqualTo(output.ToArray<float>()));
        Assert.Throws<TorchException>(() => gru.forward(randn([4, 3], g)));
    }

    [Test]
    public void DefaultInitialisationMatchesPyTorchsBounds()
    {
        using var scope = NewDisposeScope();  // the temporaries of the asserts too
        using var g = new Generator(3);
        using var linear = nn.Linear(100, 50, g);
        double bound = 1 / Math.Sqrt(100);
        Assert.That(linear.weight.abs().max().item(), Is.LessThanOrEqualTo(bound));
        Assert.That(linear.weight.abs().max().item(), Is.GreaterThan(0.9 * bound));
        Assert.That(linear.bias!.abs().max().item(), Is.LessThanOrEqualTo(bound));
        using var emb = nn.Embedding(1000, 64, g, paddingIdx: 0);
        Assert.That(emb.weight.narrow(0, 0, 1).abs().sum().item(), Is.EqualTo(0));
        Assert.That(emb.weight.square().mean().item(), Is.EqualTo(1).Within(0.02));

        Tensor w = empty([256, 512, 3, 3]);
        nn.init.kaiming_normal_(w, g, nonlinearity: "relu", mode: nn.init.FanMode.FanOut);
        Assert.That(w.square().mean().sqrt().item(), Is.EqualTo(Math.Sqrt(2.0 / (256 * 9))).Within(0.002));
        nn.init.xavier_uniform_(w, g);
        Assert.That(w.abs().max().item(), Is.LessThanOrEqualTo(Math.Sqrt(6.0 / (512 * 9 + 256 * 9)) * (1 + 1e-6))); // float32 rounding
        Assert.Throws<ArgumentException>(() => nn.init.calculate_gain("swish"));
    }

    [Test]
    public void TrainAndEvalModesChangeBatchNormAndDropout()
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(4);
        using var bn = nn.BatchNorm2d(3);
        Tensor x = randn([8, 3, 4, 4], g) * 3.0 + 1.0;
        Tensor train = bn.forward(x);
        Assert.That(train.mean().item(), Is.EqualTo(0).Within(1e-5));
        Assert.That(bn.num_batches_tracked.item(), Is.EqualTo(1));
        bn.eval();
        Assert.That(bn.training, Is.False);
        Tensor eval = bn.forward(x);
        Assert.That(eval.mean().item(), Is.Not.EqualTo(0).Within(1e-2));
        Assert.That(bn.num_batches_tracked.item(), Is.EqualTo(1));

        using var dropout = nn.Dropout(0.5, g);
        Assert.That(dropout.forward(ones([1000])).eq(0).any(), Is.True);
        dropout.eval();
        Assert.That(dropout.forward(ones([1000])).ToArray<float>(), Is.All.EqualTo(1f));
    }

    [Test]
    public void BatchNormAdoptingABatchsStatisticsComputesInEvalModeWhatTrainModeDidOnThatBatch()
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(5);
        using var bn = nn.BatchNorm2d(3);
        using (no_grad()) bn.weight.mul_(1.7);
        Tensor x = randn([8, 3, 4, 4], g) * 2.0 - 0.5;
        bn.AdoptBatchStatistics = true;
        Tensor train = bn.forward(x);
        bn.AdoptBatchStatistics = false;
        bn.eval();
        // Example by example, with the batch's statistics held fixed: what the batch saw.
        Tensor one = bn.forward(x.narrow(0, 2, 1));
        Assert.That(one.ToArray<float>(), Is.EqualTo(train.narrow(0, 2, 1).ToArray<float>()).Within(1e-5));
    }

    [Test]
    public void ToFloat64ConvertsInPlaceAndKeepsCounters()
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(5);
        using var cnn = new SmallCnn(g);
        Tensor fcWeight = cnn.state_dict()["fc.weight"];
        float[] before = fcWeight.ToArray<float>();
        cnn.to(float64);
        Assert.That(fcWeight.dtype, Is.EqualTo(ScalarType.Float64), "the same Tensor object now holds float64");
        Assert.That(fcWeight.requires_grad, Is.True);
        Assert.That(cnn.state_dict()["bn1.num_batches_tracked"].dtype, Is.EqualTo(ScalarType.Int64));
        Assert.That(fcWeight.ToArray<double>(), Is.EqualTo(before.Select(v => (double)v)));
        Tensor y = cnn.forward(randn([2, 1, 8, 8], g, float64));
        Assert.That(y.dtype, Is.EqualTo(ScalarType.Float64));
        y.sum().backward();
        Assert.That(fcWeight.grad!.dtype, Is.EqualTo(ScalarType.Float64));
    }

    [Test]
    public void LoadStateDictChecksEverythingBeforeCopying()
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(6);
        using var a = nn.Linear(3, 2, g);
        using var b = nn.Linear(3, 2, g);
        b.load_state_dict(a.state_dict());
        Assert.That(b.weight.ToArray<float>(), Is.EqualTo(a.weight.ToArray<float>()));

        float[] kept = b.weight.ToArray<float>();
        var wrongShape = new Dictionary<string, Tensor> { ["weight"] = zeros([2, 3]), ["bias"] = zeros([5]) };
        var e = Assert.Throws<TorchException>(() => b.load_state_dict(wrongShape));
        Assert.That(e!.Message, Does.Contain("'bias'").And.Contain("[2]").And.Contain("[5]"));
        Assert.That(b.weight.ToArray<float>(), Is.EqualTo(kept), "nothing was copied");

        var missing = new Dictionary<string, Tensor> { ["weight"] = zeros([2, 3]), ["extra"] = zeros([1]) };
        var m = Assert.Throws<TorchException>(() => b.load_state_dict(missing));
        Assert.That(m!.Message, Does.Contain("missing keys [bias]").And.Contain("unexpected keys [extra]"));
        b.load_state_dict(new Dictionary<string, Tensor> { ["weight"] = zeros([2, 3]) }, strict: false);
        Assert.That(b.weight.abs().sum().item(), Is.EqualTo(0));
    }

    [Test, NonParallelizable]  // the live-tensor count is process-wide: other tests must not run meanwhile
    public void DisposingAModuleFreesItsTensors()
    {
        long before = LiveTensorCount;
        using (var g = new Generator(7))
        using (var cnn = new SmallCnn(g)) Assert.That(LiveTensorCount, Is.GreaterThan(before));
        Assert.That(LiveTensorCount, Is.EqualTo(before));
    }
}

static class TensorTestExtensions
{
    public static bool any(this Tensor t) => t.to(ScalarType.Float64).sum().item() > 0;
}
