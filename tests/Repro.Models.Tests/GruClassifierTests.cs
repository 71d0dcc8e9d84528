using Repro.Torch;
using static Repro.Torch.torch;

namespace Repro.Models.Tests;

public class GruClassifierTests
{
    /// <summary>Right-padded ids: row i has lengths[i] tokens drawn from [1, vocab), then zeros.</summary>
    public static Tensor RightPadded(long[] lengths, long steps, long vocab, Generator g)
    {
        using var ids = randint(1, vocab, [lengths.Length, steps], g);
        long[] values = ids.ToArray<long>();
        for (int i = 0; i < lengths.Length; i++)
            for (long t = lengths[i]; t < steps; t++) values[i * steps + t] = GruClassifier.PadId;
        return tensor(values, [lengths.Length, steps]);
    }

    [Test]
    public void ParameterNamesAndCountAreThoseOfPyTorch()
    {
        using var g = new Generator(0);
        using var model = new GruClassifier(vocab: 100, embedding: 8, hidden: 16, classes: 2, g);
        Assert.That(model.state_dict().Keys, Is.EqualTo(new[]
        {
            "embedding.weight", "gru.weight_ih_l0", "gru.weight_hh_l0", "gru.bias_ih_l0", "gru.bias_hh_l0", "fc.weight", "fc.bias",
        }));
        Assert.That(ModelAssert.ParameterCount(model), Is.EqualTo(100 * 8 + 3 * 16 * (8 + 16) + 6 * 16 + 16 * 2 + 2));
        Assert.That(model.LogitLayer.weight.shape, Is.EqualTo(new long[] { 2, 16 }));
        Assert.That(model.state_dict()["embedding.weight"].narrow(0, 0, 1).ToArray<float>(), Is.All.EqualTo(0f), "the padding row starts at zero");
    }

    [Test]
    public void OutputIsOneLogitPerClass()
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(1);
        using var model = new GruClassifier(50, 4, 8, 3, g);
        Assert.That(model.forward(RightPadded([5, 2, 0], 5, 50, g)).shape, Is.EqualTo(new long[] { 3, 3 }));
    }

    [Test]
    public void LogitsDoNotDependOnPadding()
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(2);
        using var model = new GruClassifier(50, 4, 8, 2, g, ScalarType.Float64);
        long[] lengths = [6, 3, 1];
        Tensor shortBatch = RightPadded(lengths, 6, 50, g);
        Tensor longBatch = cat([shortBatch, zeros([3, 9], ScalarType.Int64)], dim: 1);
        double[] logits = model.forward(shortBatch).ToArray<double>();
        Assert.That(model.forward(longBatch).ToArray<double>(), Is.EqualTo(logits).Within(1e-12));
        // ... and each row is the review alone, unpadded.
        for (int i = 0; i < lengths.Length; i++)
        {
            double[] alone = model.forward(shortBatch.narrow(0, i, 1).narrow(1, 0, lengths[i])).ToArray<double>();
            Assert.That(alone, Is.EqualTo(logits[(2 * i)..(2 * i + 2)]).Within(1e-12), $"row {i}");
        }
    }

    [Test]
    public void TheSameSeedGivesTheSameNetwork()
    {
        using Generator g1 = new(5), g2 = new(5), g3 = new(6);
        using GruClassifier a = new(30, 4, 8, 2, g1), b = new(30, 4, 8, 2, g2), c = new(30, 4, 8, 2, g3);
        ModelAssert.SameState(a, b, expectEqual: true);
        ModelAssert.SameState(a, c, expectEqual: false);
    }

    [Test]
    public void BadInputsAreArgumentErrors()
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(0);
        using var model = new GruClassifier(30, 4, 8, 2, g);
        Assert.Throws<ArgumentException>(() => model.forward(randn([2, 5], g)));
        Assert.Throws<ArgumentException>(() => model.forward(zeros([2, 5, 1], ScalarType.Int64)));
        var e = Assert.Throws<ArgumentException>(() => model.forward(zeros([2, 0], ScalarType.Int64)));
        Assert.That(e!.Message, Does.Contain("(N, T)"));
        Assert.That(Assert.Throws<ArgumentException>(() => new GruClassifier(1, 4, 8, 2, g))!.ParamName, Is.EqualTo("vocab"));
        Assert.Throws<ArgumentException>(() => new GruClassifier(30, 0, 8, 2, g));
    }
}
