using Repro.Torch.Modules;

namespace Repro.Torch.Modules
{
    /// <summary>Modules applied in order; named "0", "1", ... as in PyTorch.</summary>
    public sealed class Sequential : Module<Tensor, Tensor>
    {
        readonly List<Module<Tensor, Tensor>> layers = [];

        public Sequential(params IEnumerable<Module<Tensor, Tensor>> modules)
        {
            foreach (var m in modules)
                layers.Add(RegisterModule(layers.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), m));
        }

        public int Count => layers.Count;

        public Module<Tensor, Tensor> this[int i] => layers[i];

        /// <summary>Intermediate results are disposed as soon as the next layer has consumed them.</summary>
        public override Tensor forward(Tensor x)
        {
            Tensor current = x;
            foreach (var layer in layers)
            {
                Tensor next = layer.forward(current);
                if (!ReferenceEquals(current, x) && !ReferenceEquals(current, next)) current.Dispose();
                current = next;
            }
            return current;
        }
    }
}

namespace Repro.Torch
{
    public static partial class torch
    {
        public static partial class nn
        {
            public static Sequential Sequential(params IEnumerable<Module<Tensor, Tensor>> modules) => new(modules);

            /// <summary>An activation as a module, for Sequential.</summary>
            public static Module<Tensor, Tensor> ReLU() => new Lambda("relu", x => x.relu());
            public static Module<Tensor, Tensor> Tanh() => new Lambda("tanh", x => x.tanh());
            public static Module<Tensor, Tensor> Flatten(long startDim = 1) => new Lambda("flatten", x => x.flatten(startDim));

            sealed class Lambda(string name, Func<Tensor, Tensor> f) : Module<Tensor, Tensor>
            {
                public override Tensor forward(Tensor x) => f(x);
                public override string ToString() => name;
            }
        }
    }
}
