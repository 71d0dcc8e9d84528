using Repro.Torch.Modules;
using F = Repro.Torch.torch.nn.functional;

namespace Repro.Torch.Modules
{
    /// <summary>y = x W^T + b, initialised as PyTorch's nn.Linear: U(-1/sqrt(in), 1/sqrt(in)).</summary>
    public sealed class Linear : Module<Tensor, Tensor>
    {
        public readonly Tensor weight;
        public readonly Tensor? bias;

        public Linear(long inFeatures, long outFeatures, Generator generator, bool hasBias = true)
        {
            weight = RegisterParameter(nameof(weight), torch.empty([outFeatures, inFeatures]));
            torch.nn.init.kaiming_uniform_(weight, generator, a: Math.Sqrt(5));
            if (hasBias)
            {
                double bound = 1 / Math.Sqrt(inFeatures);
                bias = RegisterParameter(nameof(bias), torch.empty([outFeatures]));
                torch.nn.init.uniform_(bias, -bound, bound, generator);
            }
        }

        public override Tensor forward(Tensor x) => F.linear(x, weight, bias);
    }
}

namespace Repro.Torch
{
    public static partial class torch
    {
        public static partial class nn
        {
            public static Linear Linear(long inFeatures, long outFeatures, Generator generator, bool hasBias = true) =>
                new(inFeatures, outFeatures, generator, hasBias);
        }
    }
}
