using Repro.Torch;
using Repro.Torch.Modules;
using static Repro.Torch.torch;

namespace Repro.Bench;

/// <summary>The small CNN of the foundation benchmark: 3 x (conv 3x3, batch norm, relu), 16-64
/// channels, global average pool, linear. bench/foundation_reference.py is the same in PyTorch.</summary>
sealed class BenchCnn : Module<Tensor, Tensor>
{
    readonly Conv2d conv1, conv2, conv3;
    readonly BatchNorm2d bn1, bn2, bn3;
    readonly Linear fc;

    public BenchCnn(Generator g)
    {
        conv1 = RegisterModule(nameof(conv1), nn.Conv2d(3, 16, 3, g, padding: 1, hasBias: false));
        bn1 = RegisterModule(nameof(bn1), nn.BatchNorm2d(16));
        conv2 = RegisterModule(nameof(conv2), nn.Conv2d(16, 32, 3, g, stride: 2, padding: 1, hasBias: false));
        bn2 = RegisterModule(nameof(bn2), nn.BatchNorm2d(32));
        conv3 = RegisterModule(nameof(conv3), nn.Conv2d(32, 64, 3, g, stride: 2, padding: 1, hasBias: false));
        bn3 = RegisterModule(nameof(bn3), nn.BatchNorm2d(64));
        fc = RegisterModule(nameof(fc), nn.Linear(64, 10, g));
    }

    public override Tensor forward(Tensor x)
    {
        x = bn1.forward(conv1.forward(x)).relu();          // (N, 16, 32, 32)
        x = bn2.forward(conv2.forward(x)).relu();          // (N, 32, 16, 16)
        x = bn3.forward(conv3.forward(x)).relu();          // (N, 64, 8, 8)
        x = nn.functional.adaptive_avg_pool2d(x, (1, 1));  // (N, 64, 1, 1)
        return fc.forward(x.flatten(1));                   // (N, 10)
    }

    /// <summary>Multiply-adds x 2 of the convolutions for one forward pass of a batch.</summary>
    public static double ForwardFlops(long batch) =>
        2.0 * batch * (3 * 16 * 9 * 32 * 32 + 16 * 32 * 9 * 16 * 16 + 32 * 64 * 9 * 8 * 8);
}

/// <summary>Embedding -> GRU -> final hidden state -> linear, as in the GRU benchmark.</summary>
sealed class BenchGru : Module<Tensor, Tensor>
{
    readonly Embedding embedding;
    readonly GRU gru;
    readonly Linear fc;

    public BenchGru(Generator g, long vocab, long embed, long hidden)
    {
        embedding = RegisterModule(nameof(embedding), nn.Embedding(vocab, embed, g));
        gru = RegisterModule(nameof(gru), nn.GRU(embed, hidden, g, batchFirst: true));
        fc = RegisterModule(nameof(fc), nn.Linear(hidden, 2, g));
    }

    public override Tensor forward(Tensor tokens)
    {
        Tensor e = embedding.forward(tokens);          // (N, T, embed)
        var (_, hN) = gru.forward(e);                  // (1, N, hidden)
        return fc.forward(hN.squeeze(0));              // (N, 2)
    }

    public static double ForwardFlops(long batch, long steps, long embed, long hidden) =>
        2.0 * batch * steps * 3 * hidden * (embed + hidden);
}
