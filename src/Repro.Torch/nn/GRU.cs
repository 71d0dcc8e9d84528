using Repro.Torch.Modules;
using F = Repro.Torch.torch.nn.functional;

namespace Repro.Torch.Modules
{
    /// <summary>
    /// A multi-layer gated recurrent unit running libtorch's fused at::gru. Parameters are named
    /// as in PyTorch (weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0, ..._reverse) with the
    /// gates stacked r, z, n, and initialised U(-1/sqrt(hidden), 1/sqrt(hidden)).
    /// Dropout between layers is not offered: at::gru would draw it from the global generator.
    /// </summary>
    public sealed class GRU : Module<Tensor, (Tensor output, Tensor h_n)>
    {
        readonly List<Tensor> flatWeights = [];
        readonly long hiddenSize, numLayers;
        readonly bool hasBias, batchFirst, bidirectional;

        public GRU(long inputSize, long hiddenSize, Generator generator, long numLayers = 1, bool hasBias = true,
            bool batchFirst = false, bool bidirectional = false)
        {
            if (inputSize <= 0 || hiddenSize <= 0 || numLayers <= 0)
                throw new ArgumentException($"GRU: inputSize ({inputSize}), hiddenSize ({hiddenSize}) and numLayers ({numLayers}) must be positive");
            (this.hiddenSize, this.numLayers, this.hasBias, this.batchFirst, this.bidirectional) =
                (hiddenSize, numLayers, hasBias, batchFirst, bidirectional);
            int directions = bidirectional ? 2 : 1;
            double bound = 1 / Math.Sqrt(hiddenSize);
            for (long layer = 0; layer < numLayers; layer++)
                for (int dir = 0; dir < directions; dir++)
                {
                    string suffix = $"_l{layer}" + (dir == 1 ? "_reverse" : "");
                    long layerInput = layer == 0 ? inputSize : hiddenSize * directions;
                    Add("weight_ih" + suffix, [3 * hiddenSize, layerInput]);
                    Add("weight_hh" + suffix, [3 * hiddenSize, hiddenSize]);
                    if (hasBias)
                    {
                        Add("bias_ih" + suffix, [3 * hiddenSize]);
                        Add("bias_hh" + suffix, [3 * hiddenSize]);
                    }
                }

            void Add(string name, long[] shape)
            {
                Tensor p = RegisterParameter(name, torch.empty(shape));
                torch.nn.init.uniform_(p, -bound, bound, generator);
                flatWeights.Add(p);
            }
        }

        /// <summary>input: (seq, batch, features), or (batch, seq, features) when batchFirst.
        /// Returns every step's top-layer output and the final hidden state of each layer.</summary>
        public override (Tensor output, Tensor h_n) forward(Tensor input) => forward(input, null);

        public (Tensor output, Tensor h_n) forward(Tensor input, Tensor? h0)
        {
            if (input.ndim != 3)
                throw new TorchException($"GRU: input must be 3-D ({(batchFirst ? "batch, seq" : "seq, batch")}, features), got shape [{string.Join(", ", input.shape)}]");
            long batch = input.size(batchFirst ? 0 : 1);
            long directions = bidirectional ? 2 : 1;
            using Tensor? zeros = h0 is null ? torch.zeros([numLayers * directions, batch, hiddenSize], input.dtype, input.device) : null;
            return F.gru(input, h0 ?? zeros!, flatWeights, hasBias, numLayers, bidirectional, batchFirst);
        }
    }
}

namespace Repro.Torch
{
    public static partial class torch
    {
        public static partial class nn
        {
            public static GRU GRU(long inputSize, long hiddenSize, Generator generator, long numLayers = 1, bool hasBias = true,
                bool batchFirst = false, bool bidirectional = false) =>
                new(inputSize, hiddenSize, generator, numLayers, hasBias, batchFirst, bidirectional);
        }
    }
}
