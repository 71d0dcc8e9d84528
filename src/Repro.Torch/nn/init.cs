namespace Repro.Torch;

public static partial class torch
{
    public static partial class nn
    {
        /// <summary>
        /// In-place initialisers with PyTorch's formulas (torch.nn.init), each drawing from an
        /// explicit generator. Fans are computed from the weight's shape [out, in, kernel...].
        /// </summary>
        public static class init
        {
            public enum FanMode { FanIn, FanOut }

            public static (long fanIn, long fanOut) calculate_fan_in_and_fan_out(Tensor t)
            {
                long[] s = t.shape;
                if (s.Length < 2)
                    throw new TorchException($"fan in and fan out need a tensor of at least 2 dimensions, got shape [{string.Join(", ", s)}]");
                long receptive = 1;
                for (int i = 2; i < s.Length; i++) receptive *= s[i];
                return (s[1] * receptive, s[0] * receptive);
            }

            /// <summary>The recommended gain for a nonlinearity: linear/conv/sigmoid 1, tanh 5/3,
            /// relu sqrt(2), leaky_relu sqrt(2 / (1 + a^2)).</summary>
            public static double calculate_gain(string nonlinearity, double param = 0.01) => nonlinearity switch
            {
                "linear" or "conv1d" or "conv2d" or "sigmoid" => 1.0,
                "tanh" => 5.0 / 3.0,
                "relu" => Math.Sqrt(2.0),
                "leaky_relu" => Math.Sqrt(2.0 / (1 + param * param)),
                "selu" => 3.0 / 4.0,
                _ => throw new ArgumentException($"unknown nonlinearity '{nonlinearity}' (linear, conv2d, sigmoid, tanh, relu, leaky_relu, selu)", nameof(nonlinearity)),
            };

            static long Fan(Tensor t, FanMode mode)
            {
                var (fanIn, fanOut) = calculate_fan_in_and_fan_out(t);
                return mode == FanMode.FanIn ? fanIn : fanOut;
            }

            public static Tensor kaiming_uniform_(Tensor t, Generator generator, double a = 0, FanMode mode = FanMode.FanIn,
                string nonlinearity = "leaky_relu")
            {
                double std = calculate_gain(nonlinearity, a) / Math.Sqrt(Fan(t, mode));
                return uniform_(t, -Math.Sqrt(3.0) * std, Math.Sqrt(3.0) * std, generator);
            }

            public static Tensor kaiming_normal_(Tensor t, Generator generator, double a = 0, FanMode mode = FanMode.FanIn,
                string nonlinearity = "leaky_relu") =>
                normal_(t, 0, calculate_gain(nonlinearity, a) / Math.Sqrt(Fan(t, mode)), generator);

            public static Tensor xavier_uniform_(Tensor t, Generator generator, double gain = 1)
            {
                var (fanIn, fanOut) = calculate_fan_in_and_fan_out(t);
                double bound = Math.Sqrt(3.0) * gain * Math.Sqrt(2.0 / (fanIn + fanOut));
                return uniform_(t, -bound, bound, generator);
            }

            public static Tensor xavier_normal_(Tensor t, Generator generator, double gain = 1)
            {
                var (fanIn, fanOut) = calculate_fan_in_and_fan_out(t);
                return normal_(t, 0, gain * Math.Sqrt(2.0 / (fanIn + fanOut)), generator);
            }

            public static Tensor normal_(Tensor t, double mean, double std, Generator generator)
            {
                using (no_grad()) return t.normal_(mean, std, generator);
            }

            public static Tensor uniform_(Tensor t, double from, double to, Generator generator)
            {
                using (no_grad()) return t.uniform_(from, to, generator);
            }

            public static Tensor constant_(Tensor t, double value)
            {
                using (no_grad()) return t.fill_(value);
            }

            public static Tensor zeros_(Tensor t) => constant_(t, 0);
            public static Tensor ones_(Tensor t) => constant_(t, 1);
        }
    }
}
