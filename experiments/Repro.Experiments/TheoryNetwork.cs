using Repro.Data;
using Repro.Models;
using Repro.Torch;
using static Repro.Torch.torch;

namespace Repro.Experiments;

/// <summary>
/// The two settings of theory-checks, the grid's `net` axis: "mlp", THEORY.md's reference (an MLP
/// on M examples of a random linear teacher), and "cnn", a small CNN (Repro.Models.SmallCnn) on M
/// Fashion-MNIST training images drawn by the cell's seed. Both in float64 and full batch, so that
/// the fixed network plus offset and the linearized model apply unchanged.
/// </summary>
public sealed class TheoryNetwork : IDisposable
{
    public const string Mlp = "mlp", Cnn = "cnn";

    public string Name { get; }
    /// <summary>The fixed training set: inputs and int64 labels.</summary>
    public Tensor X { get; }
    public Tensor Y { get; }
    readonly TheorySettings settings;

    public TheoryNetwork(string name, TheorySettings s, int seed)
    {
        (Name, settings) = (name, s);
        (X, Y) = name switch
        {
            Mlp => LinearTeacher.Sample(s.Examples, s.Features, s.Classes, (ulong)seed),
            Cnn => FashionSubset(s.Examples, (ulong)seed),
            _ => throw new ArgumentException($"theory-checks: net '{name}' is not '{Mlp}' or '{Cnn}'", nameof(name)),
        };
    }

    /// <summary>A fresh network theta0 from <paramref name="netSeed"/>: the same seed gives the same network.</summary>
    public Classifier New(ulong netSeed)
    {
        using var g = new Generator(netSeed);
        return Name == Mlp
            ? new Models.Mlp([settings.Features, .. settings.Hidden, settings.Classes], settings.Activation, g, ScalarType.Float64)
            : new SmallCnn(1, 28, settings.CnnChannels, FashionMnist.Classes, settings.Activation, g, ScalarType.Float64);
    }

    /// <summary>M training images of Fashion-MNIST chosen by <paramref name="seed"/>, normalized by the
    /// dataset's mean and standard deviation: (M, 1, 28, 28) float64 and int64 labels.</summary>
    static (Tensor x, Tensor y) FashionSubset(int count, ulong seed)
    {
        var (train, _) = FashionMnist.Load(log: Console.Error.WriteLine);
        using var g = new Generator(seed);
        long[] order;
        using (var permutation = randperm(train.Count, g)) order = permutation.ToArray<long>();
        var norm = Normalization.FashionMnist;
        var pixels = new double[count * train.ImageSize];
        var labels = new long[count];
        for (int i = 0; i < count; i++)
        {
            int index = (int)order[i];
            var image = train.Image(index);
            for (int p = 0; p < image.Length; p++) pixels[i * train.ImageSize + p] = (image[p] / 255.0 - norm.Mean[0]) / norm.Std[0];
            labels[i] = train.Labels[index];
        }
        return (tensor(pixels, [count, 1, train.Height, train.Width]), tensor(labels, [count]));
    }

    public void Dispose()
    {
        X.Dispose();
        Y.Dispose();
    }
}
