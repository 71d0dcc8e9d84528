using Repro.Data;
using Repro.Torch;
using Repro.Torch.Modules;
using static Repro.Torch.torch;

namespace Repro.Training.Tests;

/// <summary>THEORY.md's reference data made small: a random linear teacher's labels on Gaussian
/// inputs (float64), split into train, validation and test, with the first examples of the training
/// set as the probe batch.</summary>
sealed class TeacherData : IDisposable
{
    public const int Features = 8, Classes = 4;
    public Tensor X { get; }
    public Tensor Y { get; }
    public Tensor XTest { get; }
    public Tensor YTest { get; }
    public Tensor XValidation { get; }
    public Tensor YValidation { get; }
    readonly Batch probe;

    public TeacherData(int train = 96, int test = 37, int probeSize = 12, ulong seed = 1, int validation = 29)
    {
        var (x, y) = LinearTeacher.Sample(train + test + validation, Features, Classes, seed);
        using (x)
        using (y)
        {
            X = x.narrow(0, 0, train).clone();
            Y = y.narrow(0, 0, train).clone();
            XTest = x.narrow(0, train, test).clone();
            YTest = y.narrow(0, train, test).clone();
            XValidation = x.narrow(0, train + test, validation).clone();
            YValidation = y.narrow(0, train + test, validation).clone();
        }
        probe = new Batch(X.narrow(0, 0, probeSize).clone(), Y.narrow(0, 0, probeSize).clone());
    }

    public TrainingData Data(int batchSize = 16, ulong seed = 3, int testBatch = 8, bool shuffle = true) => new(
        start => new TensorBatches(X, Y, batchSize, seed, start, shuffle),
        () => TensorBatches.InOrder(XValidation, YValidation, testBatch),
        () => TensorBatches.InOrder(XTest, YTest, testBatch),
        probe);

    public void Dispose()
    {
        foreach (var t in new[] { X, Y, XTest, YTest, XValidation, YValidation }) t.Dispose();
        probe.Dispose();
    }
}

/// <summary>A tiny network with the parts whose state a probe must not touch: batch norm
/// (running statistics) and dropout (its generator). Linear, batch norm, tanh, dropout, linear.</summary>
sealed class TinyBnNet : Module<Tensor, Tensor>
{
    readonly Linear fc1, fc2;
    readonly BatchNorm2d bn;
    readonly Dropout dropout;

    public Linear LogitLayer => fc2;
    public BatchNorm2d Norm => bn;

    /// <param name="dropoutGenerator">The dropout masks' source (the caller's).</param>
    public TinyBnNet(ulong seed, Generator dropoutGenerator, int hidden = 16)
    {
        using var g = new Generator(seed);
        fc1 = RegisterModule(nameof(fc1), nn.Linear(TeacherData.Features, hidden, g));
        bn = RegisterModule(nameof(bn), nn.BatchNorm2d(hidden));
        dropout = RegisterModule(nameof(dropout), nn.Dropout(0.2, dropoutGenerator));
        fc2 = RegisterModule(nameof(fc2), nn.Linear(hidden, TeacherData.Classes, g));
        to(float64);
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        Tensor h = fc1.forward(x);                                      // (N, hidden)
        h = bn.forward(h.reshape(h.shape[0], h.shape[1], 1, 1)).flatten(1);
        return fc2.forward(dropout.forward(h.tanh())).MoveToOuterDisposeScope();  // (N, K)
    }
}

static class Compare
{
    /// <summary>Every tensor of the state dict, as float64 values, by name.</summary>
    public static Dictionary<string, double[]> State(Module model) =>
        model.state_dict().ToDictionary(kv => kv.Key, kv =>
        {
            using var d = kv.Value.to(float64);
            return d.ToArray<double>();
        });
}
