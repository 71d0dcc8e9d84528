using Repro.Torch.Modules;
using F = Repro.Torch.torch.nn.functional;

namespace Repro.Torch.Modules
{
    /// <summary>A lookup table of vectors, initialised N(0, 1) as PyTorch's nn.Embedding; the
    /// padding row (if any) starts at zero and receives no gradient.</summary>
    public sealed class Embedding : Module<Tensor, Tensor>
    {
        public readonly Tensor weight;
        readonly long paddingIdx;

        public Embedding(long count, long dim, Generator generator, long? paddingIdx = null)
        {
            if (paddingIdx is { } p && (p < 0 || p >= count))
                throw new ArgumentOutOfRangeException(nameof(paddingIdx), p, $"padding index must be in [0, {count})");
            this.paddingIdx = paddingIdx ?? -1;
            weight = RegisterParameter(nameof(weight), torch.empty([count, dim]));
            torch.nn.init.normal_(weight, 0, 1, generator);
            if (paddingIdx is { } pad)
                using (torch.no_grad())
                using (var row = weight.narrow(0, pad, 1))
                    row.zero_();
        }

        public override Tensor forward(Tensor indices) => F.embedding(indices, weight, paddingIdx);
    }
}

namespace Repro.Torch
{
    public static partial class torch
    {
        public static partial class nn
        {
            public static Embedding Embedding(long count, long dim, Generator generator, long? paddingIdx = null) =>
                new(count, dim, generator, paddingIdx);
        }
    }
}
