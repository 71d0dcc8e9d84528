using Repro.Torch.Modules;
using F = Repro.Torch.torch.nn.functional;

namespace Repro.Torch.Modules
{
    /// <summary>Inverted dropout in training mode, identity in eval mode; the mask comes from the
    /// module's own generator so that a seed fixes it.</summary>
    public sealed class Dropout : Module<Tensor, Tensor>
    {
        readonly double p;
        readonly Generator generator;

        public Dropout(double p, Generator generator)
        {
            if (p is < 0 or > 1 || double.IsNaN(p))
                throw new ArgumentOutOfRangeException(nameof(p), p, "dropout probability must be in [0, 1]");
            (this.p, this.generator) = (p, generator);
        }

        public override Tensor forward(Tensor x) => F.dropout(x, p, training, generator);
    }
}

namespace Repro.Torch
{
    public static partial class torch
    {
        public static partial class nn
        {
            public static Dropout Dropout(double p, Generator generator) => new(p, generator);
        }
    }
}
