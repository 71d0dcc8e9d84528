using Repro.Torch.Modules;
using F = Repro.Torch.torch.nn.functional;

namespace Repro.Torch.Modules
{
    /// <summary>2-D convolution with square kernels, initialised as PyTorch's nn.Conv2d.</summary>
    public sealed class Conv2d : Module<Tensor, Tensor>
    {
        public readonly Tensor weight;
        public readonly Tensor? bias;
        readonly long stride, padding, dilation, groups;

        public Conv2d(long inChannels, long outChannels, long kernelSize, Generator generator, long stride = 1,
            long padding = 0, long dilation = 1, long groups = 1, bool hasBias = true)
        {
            if (inChannels % groups != 0 || outChannels % groups != 0)
                throw new ArgumentException($"Conv2d: channels {inChannels} -> {outChannels} are not divisible by groups={groups}", nameof(groups));
            (this.stride, this.padding, this.dilation, this.groups) = (stride, padding, dilation, groups);
            weight = RegisterParameter(nameof(weight), torch.empty([outChannels, inChannels / groups, kernelSize, kernelSize]));
            torch.nn.init.kaiming_uniform_(weight, generator, a: Math.Sqrt(5));
            if (hasBias)
            {
                double bound = 1 / Math.Sqrt(inChannels / groups * kernelSize * kernelSize);
                bias = RegisterParameter(nameof(bias), torch.empty([outChannels]));
                torch.nn.init.uniform_(bias, -bound, bound, generator);
            }
        }

        public override Tensor forward(Tensor x) => F.conv2d(x, weight, bias, stride, padding, dilation, groups);
    }
}

namespace Repro.Torch
{
    public static partial class torch
    {
        public static partial class nn
        {
            public static Conv2d Conv2d(long inChannels, long outChannels, long kernelSize, Generator generator,
                long stride = 1, long padding = 0, long dilation = 1, long groups = 1, bool hasBias = true) =>
                new(inChannels, outChannels, kernelSize, generator, stride, padding, dilation, groups, hasBias);
        }
    }
}
