using Repro.Torch;
using Repro.Torch.Modules;
using static Repro.Torch.torch;

namespace Repro.Models;

/// <summary>
/// ResNet-50 (He et al. 2016), the paper's ImageNet model, laid out exactly as torchvision's
/// <c>resnet50</c> (v1.5: the stride of a downsampling bottleneck sits on its 3x3 convolution):
/// same parameter and buffer names (conv1, bn1, layer1.0.conv1 ... layer4.2.bn3,
/// layer{i}.0.downsample.{0,1}, fc; running_mean, running_var, num_batches_tracked), shapes and
/// order, so a torchvision state dict saved as safetensors loads with strict = true and gives the
/// same logits. Initialization as torchvision: convolutions kaiming-normal (fan_out, relu), batch
/// norm weight 1 and bias 0, the logit layer PyTorch's default.
/// </summary>
public sealed class ResNet50 : Classifier
{
    /// <summary>Bottleneck blocks per stage.</summary>
    static readonly int[] Blocks = [3, 4, 6, 3];
    const int Expansion = 4;

    readonly Conv2d conv1;
    readonly BatchNorm2d bn1;
    readonly Sequential layer1, layer2, layer3, layer4;
    readonly Linear fc;

    public override Linear LogitLayer => fc;

    /// <param name="width">Channels of the stem and of the first stage's 3x3 convolutions; every
    /// stage scales with it (stages width, 2, 4 and 8 times width, each expanded 4x). 64 is the
    /// standard ResNet-50; smaller widths give a reduced variant for CPU runs.</param>
    public ResNet50(Generator generator, int classes = 1000, int width = 64, ScalarType dtype = ScalarType.Float32)
    {
        if (classes < 1) throw new ArgumentException($"classes must be positive; got {classes}", nameof(classes));
        if (width < 1) throw new ArgumentException($"width must be positive; got {width}", nameof(width));
        conv1 = RegisterModule(nameof(conv1), Conv(3, width, 7, 2, generator));
        bn1 = RegisterModule(nameof(bn1), nn.BatchNorm2d(width));
        int inWidth = width;
        layer1 = RegisterModule(nameof(layer1), Stage(width, Blocks[0], 1));
        layer2 = RegisterModule(nameof(layer2), Stage(2 * width, Blocks[1], 2));
        layer3 = RegisterModule(nameof(layer3), Stage(4 * width, Blocks[2], 2));
        layer4 = RegisterModule(nameof(layer4), Stage(8 * width, Blocks[3], 2));
        fc = RegisterModule(nameof(fc), nn.Linear(8 * width * Expansion, classes, generator));
        to(dtype);

        Sequential Stage(int planes, int blocks, int stride)
        {
            var stage = new List<Module<Tensor, Tensor>>();
            for (int i = 0; i < blocks; i++)
            {
                stage.Add(new Bottleneck(inWidth, planes, i == 0 ? stride : 1, generator));
                inWidth = planes * Expansion;
            }
            return nn.Sequential(stage);
        }
    }

    public override Tensor forward(Tensor x)
    {
        if (x.ndim != 4 || x.size(1) != 3)
            throw new ArgumentException($"ResNet50 expects RGB images (N, 3, H, W); got shape [{string.Join(", ", x.shape)}]", nameof(x));
        using var scope = NewDisposeScope();
        x = bn1.forward(conv1.forward(x)).relu_();                         // (N, w, 112, 112) for 224x224
        x = nn.functional.max_pool2d(x, 3, stride: 2, padding: 1);        // (N, w, 56, 56)
        x = layer1.forward(x);                                             // (N, 4w, 56, 56)
        x = layer2.forward(x);                                             // (N, 8w, 28, 28)
        x = layer3.forward(x);                                             // (N, 16w, 14, 14)
        x = layer4.forward(x);                                             // (N, 32w, 7, 7)
        x = nn.functional.adaptive_avg_pool2d(x, (1, 1));                  // (N, 32w, 1, 1)
        return fc.forward(x.flatten(1)).MoveToOuterDisposeScope();         // (N, K)
    }

    /// <summary>A bias-free convolution ("same" padding for odd kernels), initialized as torchvision's.</summary>
    static Conv2d Conv(int inChannels, int outChannels, int kernel, int stride, Generator generator)
    {
        var conv = nn.Conv2d(inChannels, outChannels, kernel, generator, stride: stride, padding: kernel / 2, hasBias: false);
        nn.init.kaiming_normal_(conv.weight, generator, mode: nn.init.FanMode.FanOut, nonlinearity: "relu");
        return conv;
    }

    /// <summary>
    /// 1x1 conv down to <c>planes</c>, 3x3 conv (carrying the stride), 1x1 conv up to 4 x planes,
    /// each followed by batch norm; relu(branch + shortcut), the shortcut a strided 1x1 conv and
    /// batch norm ("downsample") where the shape changes.
    /// </summary>
    sealed class Bottleneck : Module<Tensor, Tensor>
    {
        readonly Conv2d conv1, conv2, conv3;
        readonly BatchNorm2d bn1, bn2, bn3;
        readonly Sequential? downsample;

        public Bottleneck(int inWidth, int planes, int stride, Generator generator)
        {
            int outWidth = planes * Expansion;
            conv1 = RegisterModule(nameof(conv1), Conv(inWidth, planes, 1, 1, generator));
            bn1 = RegisterModule(nameof(bn1), nn.BatchNorm2d(planes));
            conv2 = RegisterModule(nameof(conv2), Conv(planes, planes, 3, stride, generator));
            bn2 = RegisterModule(nameof(bn2), nn.BatchNorm2d(planes));
            conv3 = RegisterModule(nameof(conv3), Conv(planes, outWidth, 1, 1, generator));
            bn3 = RegisterModule(nameof(bn3), nn.BatchNorm2d(outWidth));
            if (stride != 1 || inWidth != outWidth)
                downsample = RegisterModule(nameof(downsample), nn.Sequential(Conv(inWidth, outWidth, 1, stride, generator), nn.BatchNorm2d(outWidth)));
        }

        // In place where torchvision is (relu, the residual sum): large activations are not
        // allocated twice.
        public override Tensor forward(Tensor x)
        {
            Tensor y = bn1.forward(conv1.forward(x)).relu_();
            y = bn2.forward(conv2.forward(y)).relu_();
            y = bn3.forward(conv3.forward(y));
            return y.add_(downsample is null ? x : downsample.forward(x)).relu_();
        }
    }
}
