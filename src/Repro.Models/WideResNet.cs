using Repro.Torch;
using Repro.Torch.Modules;
using static Repro.Torch.torch;

namespace Repro.Models;

/// <summary>
/// Wide residual network WRN-depth-k for 32x32 images (Zagoruyko &amp; Komodakis 2016), the paper's
/// CIFAR-10 model, with and without batch norm. Pre-activation blocks (BN-ReLU-conv, twice); three
/// stages of (depth - 4) / 6 blocks with 16k, 32k, 64k channels after a 16-channel stem conv, the
/// second and third stages starting with stride 2; a 1x1 conv shortcut where the shape changes;
/// a final BN-ReLU, global average pool and the logit layer.
/// Initialization as the common WRN code: convolutions kaiming-normal (fan_out, relu), batch norm
/// weight 1 and bias 0, the logit layer PyTorch's default.
/// <para>
/// Without batch norm every BN is dropped and each residual branch is multiplied by a learnable
/// scalar initialized to zero (SkipInit, De &amp; Smith 2020): at initialization each block is its
/// shortcut alone, which is what lets a deep network without normalization train. The convolutions
/// then carry biases (zero at init) to stand in for the per-channel shift BN would have learned.
/// </para>
/// Parameter names: conv1, block{1,2,3}.{i}.{bn1, conv1, bn2, conv2, shortcut, skip_gain}, bn, fc.
/// </summary>
public sealed class WideResNet : Classifier
{
    readonly Conv2d conv1;
    readonly Sequential block1, block2, block3;
    readonly BatchNorm2d? bn;
    readonly Linear fc;
    readonly int inputChannels;

    public override Linear LogitLayer => fc;

    /// <param name="depth">Total depth 6n + 4 (n blocks per stage): 10, 16, 22, 28, ...</param>
    /// <param name="widenFactor">k: the stages have 16k, 32k and 64k channels.</param>
    /// <param name="dropout">Dropout probability between the two convolutions of each block (0: none).
    /// Its masks are drawn from <paramref name="generator"/>, so keep that alive while training.</param>
    /// <param name="batchNorm">false: no normalization, SkipInit scalars on the residual branches.</param>
    public WideResNet(int depth, int widenFactor, double dropout, bool batchNorm, int classes, Generator generator,
        int inputChannels = 3, ScalarType dtype = ScalarType.Float32)
    {
        if (depth < 10 || (depth - 4) % 6 != 0)
            throw new ArgumentException($"a wide ResNet's depth is 6n + 4 with n >= 1 (10, 16, 22, 28, ...); got {depth}", nameof(depth));
        if (widenFactor < 1) throw new ArgumentException($"widen factor must be positive; got {widenFactor}", nameof(widenFactor));
        if (dropout is < 0 or >= 1 || double.IsNaN(dropout)) throw new ArgumentException($"dropout must be in [0, 1); got {dropout}", nameof(dropout));
        if (classes < 1) throw new ArgumentException($"classes must be positive; got {classes}", nameof(classes));
        if (inputChannels < 1) throw new ArgumentException($"input channels must be positive; got {inputChannels}", nameof(inputChannels));
        this.inputChannels = inputChannels;
        int n = (depth - 4) / 6;
        int[] widths = [16, 16 * widenFactor, 32 * widenFactor, 64 * widenFactor];

        conv1 = RegisterModule(nameof(conv1), WrnConv(inputChannels, widths[0], 3, 1, batchNorm, generator));
        block1 = RegisterModule(nameof(block1), Stage(widths[0], widths[1], n, 1));
        block2 = RegisterModule(nameof(block2), Stage(widths[1], widths[2], n, 2));
        block3 = RegisterModule(nameof(block3), Stage(widths[2], widths[3], n, 2));
        if (batchNorm) bn = RegisterModule(nameof(bn), nn.BatchNorm2d(widths[3]));
        fc = RegisterModule(nameof(fc), nn.Linear(widths[3], classes, generator));
        to(dtype);

        Sequential Stage(int inWidth, int outWidth, int blocks, int stride) => nn.Sequential(
            Enumerable.Range(0, blocks).Select(i => (Module<Tensor, Tensor>)new Block(
                i == 0 ? inWidth : outWidth, outWidth, i == 0 ? stride : 1, dropout, batchNorm, generator)));
    }

    public override Tensor forward(Tensor x)
    {
        if (x.ndim != 4 || x.size(1) != inputChannels)
            throw new ArgumentException($"WideResNet expects images (N, {inputChannels}, H, W); got shape [{string.Join(", ", x.shape)}]", nameof(x));
        using var scope = NewDisposeScope();
        x = conv1.forward(x);                               // (N, 16, 32, 32)
        x = block1.forward(x);                              // (N, 16k, 32, 32)
        x = block2.forward(x);                              // (N, 32k, 16, 16)
        x = block3.forward(x);                              // (N, 64k, 8, 8)
        x = (bn is null ? x : bn.forward(x)).relu();
        x = nn.functional.adaptive_avg_pool2d(x, (1, 1));   // (N, 64k, 1, 1)
        return fc.forward(x.flatten(1)).MoveToOuterDisposeScope();  // (N, K)
    }

    /// <summary>Kaiming-normal (fan_out, relu) as the common WRN code; a bias (zero) only without BN.</summary>
    static Conv2d WrnConv(int inChannels, int outChannels, int kernel, int stride, bool batchNorm, Generator generator)
    {
        var conv = nn.Conv2d(inChannels, outChannels, kernel, generator, stride: stride, padding: kernel / 2, hasBias: !batchNorm);
        nn.init.kaiming_normal_(conv.weight, generator, mode: nn.init.FanMode.FanOut, nonlinearity: "relu");
        if (conv.bias is { } b) nn.init.zeros_(b);
        return conv;
    }

    /// <summary>
    /// Pre-activation basic block: y = shortcut(x) + g * conv2(drop(relu(bn2(conv1(relu(bn1(x))))))),
    /// g the SkipInit scalar (absent, i.e. 1, with batch norm). Where the shape changes the shortcut
    /// is a 1x1 conv of the pre-activated input, as in the reference implementation.
    /// </summary>
    sealed class Block : Module<Tensor, Tensor>
    {
        readonly BatchNorm2d? bn1, bn2;
        readonly Conv2d conv1, conv2;
        readonly Conv2d? shortcut;
        readonly Tensor? skip_gain;
        readonly Dropout? drop;

        public Block(int inWidth, int outWidth, int stride, double dropout, bool batchNorm, Generator generator)
        {
            if (batchNorm) bn1 = RegisterModule(nameof(bn1), nn.BatchNorm2d(inWidth));
            conv1 = RegisterModule(nameof(conv1), WrnConv(inWidth, outWidth, 3, stride, batchNorm, generator));
            if (batchNorm) bn2 = RegisterModule(nameof(bn2), nn.BatchNorm2d(outWidth));
            conv2 = RegisterModule(nameof(conv2), WrnConv(outWidth, outWidth, 3, 1, batchNorm, generator));
            if (inWidth != outWidth || stride != 1)
                shortcut = RegisterModule(nameof(shortcut), WrnConv(inWidth, outWidth, 1, stride, batchNorm, generator));
            if (!batchNorm) skip_gain = RegisterParameter(nameof(skip_gain), zeros([]));
            if (dropout > 0) drop = RegisterModule(nameof(drop), nn.Dropout(dropout, generator));  // registered so that eval() turns it off
        }

        public override Tensor forward(Tensor x)
        {
            Tensor a = (bn1 is null ? x : bn1.forward(x)).relu();
            Tensor residual = conv1.forward(a);
            residual = (bn2 is null ? residual : bn2.forward(residual)).relu();
            if (drop is not null) residual = drop.forward(residual);
            residual = conv2.forward(residual);
            if (skip_gain is not null) residual = residual * skip_gain;
            return (shortcut is null ? x : shortcut.forward(a)) + residual;
        }
    }
}
