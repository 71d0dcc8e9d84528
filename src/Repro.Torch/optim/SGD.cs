namespace Repro.Torch.Optim
{
    /// <summary>
    /// Stochastic gradient descent with PyTorch's update rule (torch.optim.SGD):
    /// g = grad + weight_decay * p;  b = momentum * b + (1 - dampening) * g  (b = g at the first step);
    /// g = nesterov ? g + momentum * b : b;  p = p - lr * g.
    /// <see cref="lr"/> is set by the caller (from a schedule) before each step.
    /// </summary>
    public sealed class SGD : IDisposable
    {
        readonly IReadOnlyList<Tensor> parameters;
        readonly Tensor?[] momentumBuffers;
        public double lr { get; set; }
        public double momentum { get; }
        public double dampening { get; }
        public double weight_decay { get; }
        public bool nesterov { get; }

        public SGD(IReadOnlyList<Tensor> parameters, double lr, double momentum = 0, double dampening = 0,
            double weight_decay = 0, bool nesterov = false)
        {
            Require(lr, nameof(lr));
            Require(momentum, nameof(momentum));
            Require(dampening, nameof(dampening));
            Require(weight_decay, nameof(weight_decay));
            if (nesterov && (momentum <= 0 || dampening != 0))
                throw new ArgumentException("Nesterov momentum needs momentum > 0 and dampening = 0", nameof(nesterov));
            if (parameters.Count == 0) throw new ArgumentException("SGD got an empty parameter list", nameof(parameters));
            (this.parameters, this.lr, this.momentum, this.dampening, this.weight_decay, this.nesterov) =
                (parameters, lr, momentum, dampening, weight_decay, nesterov);
            momentumBuffers = new Tensor?[parameters.Count];
        }

        static void Require(double value, string name)
        {
            if (!(value >= 0) || double.IsInfinity(value))
                throw new ArgumentOutOfRangeException(name, value, $"SGD {name} must be a finite number >= 0");
        }

        public void step()
        {
            if (!(lr >= 0) || double.IsInfinity(lr))
                throw new InvalidOperationException($"SGD learning rate is {lr}; it must be a finite number >= 0");
            using var scope = torch.NewDisposeScope();
            using var noGrad = torch.no_grad();
            for (int i = 0; i < parameters.Count; i++)
            {
                Tensor p = parameters[i];
                Tensor? g = p.grad;
                if (g is null) continue;
                if (weight_decay != 0) g = g.add(p, weight_decay);
                if (momentum != 0)
                {
                    Tensor? buffer = momentumBuffers[i];
                    if (buffer is null)
                        buffer = momentumBuffers[i] = g.clone().DetachFromDisposeScope();
                    else
                        buffer.mul_(momentum).add_(g, 1 - dampening);
                    g = nesterov ? g.add(buffer, momentum) : buffer;
                }
                p.add_(g, -lr);
            }
        }

        public void zero_grad()
        {
            foreach (var p in parameters) p.clear_grad();
        }

        /// <summary>The momentum buffers by parameter index ("0.momentum_buffer", ...), for checkpoints.</summary>
        public OrderedDictionary<string, Tensor> state_dict()
        {
            var dict = new OrderedDictionary<string, Tensor>();
            for (int i = 0; i < momentumBuffers.Length; i++)
                if (momentumBuffers[i] is { } b) dict.Add($"{i}.momentum_buffer", b);
            return dict;
        }

        public void load_state_dict(IReadOnlyDictionary<string, Tensor> state)
        {
            foreach (var (key, value) in state)
            {
                string[] parts = key.Split('.');
                if (parts.Length != 2 || parts[1] != "momentum_buffer" || !int.TryParse(parts[0], out int i) || i < 0 || i >= parameters.Count)
                    throw new TorchException($"SGD.load_state_dict: unexpected key '{key}' (expected <index>.momentum_buffer with index < {parameters.Count})");
                if (!value.shape.SequenceEqual(parameters[i].shape))
                    throw new TorchException($"SGD.load_state_dict: '{key}' has shape [{string.Join(", ", value.shape)}], parameter {i} has [{string.Join(", ", parameters[i].shape)}]");
            }
            foreach (var (key, value) in state)
            {
                int i = int.Parse(key.Split('.')[0], System.Globalization.CultureInfo.InvariantCulture);
                momentumBuffers[i]?.Dispose();
                momentumBuffers[i] = value.clone().DetachFromDisposeScope();
            }
        }

        public void Dispose()
        {
            foreach (var b in momentumBuffers) b?.Dispose();
            Array.Clear(momentumBuffers);
        }
    }
}

namespace Repro.Torch
{
    public static partial class torch
    {
        public static partial class optim
        {
            public static Optim.SGD SGD(IReadOnlyList<Tensor> parameters, double lr, double momentum = 0, double dampening = 0,
                double weight_decay = 0, bool nesterov = false) =>
                new(parameters, lr, momentum, dampening, weight_decay, nesterov);
        }
    }
}
