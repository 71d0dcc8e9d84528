using Repro.Torch.Modules;
using static Repro.Torch.torch;

namespace Repro.Torch.Tests;

/// <summary>A small conv net (conv-bn-relu x2, pool, linear) for memory and determinism tests.</summary>
public sealed class SmallCnn : Module<Tensor, Tensor>
{
    readonly Conv2d conv1, conv2;
    readonly BatchNorm2d bn1, bn2;
    readonly Linear fc;

    public SmallCnn(Generator g, long channels = 4, long classes = 10)
    {
        conv1 = RegisterModule(nameof(conv1), nn.Conv2d(1, channels, 3, g, padding: 1, hasBias: false));
        bn1 = RegisterModule(nameof(bn1), nn.BatchNorm2d(channels));
        conv2 = RegisterModule(nameof(conv2), nn.Conv2d(channels, 2 * channels, 3, g, stride: 2, padding: 1, hasBias: false));
        bn2 = RegisterModule(nameof(bn2), nn.BatchNorm2d(2 * channels));
        fc = RegisterModule(nameof(fc), nn.Linear(2 * channels, classes, g));
    }

    public override Tensor forward(Tensor x)
    {
        x = bn1.forward(conv1.forward(x)).relu();          // (N, c, H, W)
        x = bn2.forward(conv2.forward(x)).relu();          // (N, 2c, H/2, W/2)
        x = nn.functional.adaptive_avg_pool2d(x, (1, 1));  // (N, 2c, 1, 1)
        return fc.forward(x.flatten(1));                   // (N, classes)
    }

    /// <summary>Trains on a fixed synthetic batch and returns the loss of each step.</summary>
    public static double[] TrainLosses(ulong seed, int steps, int batch = 16, long size = 8)
    {
        using var g = new Generator(seed);
        using var model = new SmallCnn(g);
        using var optimizer = optim.SGD(model.parameters(), lr: 0.05, momentum: 0.9, weight_decay: 1e-4);
        using var x = randn([batch, 1, size, size], g);
        using var y = randint(0, 10, [batch], g);
        var losses = new double[steps];
        for (int step = 0; step < steps; step++)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            Tensor loss = nn.functional.cross_entropy(model.forward(x), y);
            loss.backward();
            optimizer.step();
            losses[step] = loss.item();
        }
        return losses;
    }
}
