using Repro.Torch;
using Repro.Torch.Modules;
using static Repro.Torch.torch;

namespace Repro.Models;

/// <summary>
/// A fully connected network, THEORY.md's reference model (32-256-256-10, tanh): Linear layers
/// with PyTorch's default initialization, the activation between them, none after the last
/// (the logit layer).
/// </summary>
public sealed class Mlp : Classifier
{
    readonly Linear[] layers;
    readonly Func<Tensor, Tensor> activation;

    public override Linear LogitLayer => layers[^1];

    /// <param name="widths">Input, hidden..., output widths (32, 256, 256, 10).</param>
    /// <param name="activation">"tanh" or "relu".</param>
    public Mlp(IReadOnlyList<int> widths, string activation, Generator generator, ScalarType dtype = ScalarType.Float32)
    {
        if (widths.Count < 2 || widths.Any(w => w <= 0)) throw new ArgumentException($"an MLP needs at least two positive widths; got [{string.Join(", ", widths)}]", nameof(widths));
        this.activation = activation switch
        {
            "tanh" => x => x.tanh(),
            "relu" => x => x.relu(),
            _ => throw new ArgumentException($"activation '{activation}' is not tanh or relu", nameof(activation)),
        };
        layers = new Linear[widths.Count - 1];
        for (int i = 0; i < layers.Length; i++)
            layers[i] = RegisterModule($"fc{i + 1}", nn.Linear(widths[i], widths[i + 1], generator));
        to(dtype);
    }

    public override Tensor forward(Tensor x)
    {
        for (int i = 0; i < layers.Length - 1; i++) x = activation(layers[i].forward(x));  // (N, width_i)
        return LogitLayer.forward(x);                                                       // (N, K)
    }
}
