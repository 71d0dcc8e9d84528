using Repro.Torch.Modules;
using F = Repro.Torch.torch.nn.functional;

namespace Repro.Torch.Modules
{
    /// <summary>
    /// Batch normalisation over (N, H, W) per channel. Buffers are named as in PyTorch
    /// (running_mean, running_var, num_batches_tracked) so that state dicts interchange.
    /// </summary>
    public sealed class BatchNorm2d : Module<Tensor, Tensor>
    {
        public readonly Tensor weight, bias, running_mean, running_var, num_batches_tracked;
        readonly double eps, momentum;

        public BatchNorm2d(long features, double eps = 1e-5, double momentum = 0.1)
        {
            (this.eps, this.momentum) = (eps, momentum);
            weight = RegisterParameter(nameof(weight), torch.ones([features]));
            bias = RegisterParameter(nameof(bias), torch.zeros([features]));
            running_mean = RegisterBuffer(nameof(running_mean), torch.zeros([features]));
            running_var = RegisterBuffer(nameof(running_var), torch.ones([features]));
            num_batches_tracked = RegisterBuffer(nameof(num_batches_tracked), torch.zeros([], torch.int64));
        }

        /// <summary>When set, a training-mode forward replaces the running statistics by the batch's own
        /// (its mean and biased variance, those train mode normalizes with), so that eval mode then
        /// computes what train mode computed on that batch. Used to measure a batch-normalized network
        /// example by example (the tangent kernel probe); training never sets it.</summary>
        public bool AdoptBatchStatistics { get; set; }

        public override Tensor forward(Tensor x)
        {
            if (training)
                using (torch.no_grad())
                    num_batches_tracked.add_(1);
            Tensor y = F.batch_norm(x, running_mean, running_var, weight, bias, training, momentum, eps);
            // After batch_norm's own momentum update, which would otherwise blend the unbiased
            // variance back in (by 0.1 / (N - 1)).
            if (training && AdoptBatchStatistics)
                using (torch.no_grad())
                using (torch.NewDisposeScope())
                {
                    Tensor mean = x.mean([0, 2, 3]);
                    running_mean.copy_(mean);
                    running_var.copy_((x - mean.reshape([1, -1, 1, 1])).pow(2).mean([0, 2, 3]));
                }
            return y;
        }
    }
}

namespace Repro.Torch
{
    public static partial class torch
    {
        public static partial class nn
        {
            public static BatchNorm2d BatchNorm2d(long features, double eps = 1e-5, double momentum = 0.1) =>
                new(features, eps, momentum);
        }
    }
}
