using Repro.Torch;
using Repro.Torch.Modules;
using static Repro.Torch.torch;

namespace Repro.Models;

/// <summary>
/// The small convolutional network of the theory checks' Short tier: two strided convolutions
/// (5x5 then 3x3, stride 2, no padding) with an activation after each, flattened into the logit
/// layer. No batch norm and no pooling, so that, like the reference MLP, the logits are a smooth
/// function of the parameters and full-batch gradient descent on it is the setting of THEORY.md.
/// PyTorch's default initialization throughout.
/// </summary>
public sealed class SmallCnn : Classifier
{
    readonly Conv2d conv1, conv2;
    readonly Linear fc;
    readonly Func<Tensor, Tensor> activation;

    public override Linear LogitLayer => fc;

    /// <param name="inputSize">Height and width of the (square) inputs: 28 for Fashion-MNIST.</param>
    public SmallCnn(int inputChannels, int inputSize, int[] channels, int classes, string activation, Generator generator,
        ScalarType dtype = ScalarType.Float32)
    {
        if (channels.Length != 2 || channels.Any(c => c <= 0))
            throw new ArgumentException($"SmallCnn needs two positive channel counts; got [{string.Join(", ", channels)}]", nameof(channels));
        int size1 = (inputSize - 5) / 2 + 1, size2 = (size1 - 3) / 2 + 1;
        if (size2 < 1) throw new ArgumentException($"SmallCnn: inputs of {inputSize}x{inputSize} are too small for its two strided convolutions", nameof(inputSize));
        this.activation = activation switch
        {
            "tanh" => x => x.tanh(),
            "relu" => x => x.relu(),
            _ => throw new ArgumentException($"activation '{activation}' is not tanh or relu", nameof(activation)),
        };
        conv1 = RegisterModule(nameof(conv1), nn.Conv2d(inputChannels, channels[0], 5, generator, stride: 2));
        conv2 = RegisterModule(nameof(conv2), nn.Conv2d(channels[0], channels[1], 3, generator, stride: 2));
        fc = RegisterModule(nameof(fc), nn.Linear(channels[1] * size2 * size2, classes, generator));
        to(dtype);
    }

    public override Tensor forward(Tensor x)
    {
        x = activation(conv1.forward(x));        // (N, c1, (S-5)/2+1, ...)
        x = activation(conv2.forward(x));        // (N, c2, S2, S2)
        return fc.forward(x.flatten(1));         // (N, K)
    }
}
