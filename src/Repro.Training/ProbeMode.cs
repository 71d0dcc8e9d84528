using Repro.Torch;
using Repro.Torch.Modules;
using static Repro.Torch.torch;

namespace Repro.Training;

/// <summary>
/// The mode of the probe passes (THEORY.md's quantities on the probe batch), which must measure
/// the network that training changes without changing it themselves:
/// <list type="bullet">
/// <item>Batch norm normalizes with the probe batch's own statistics, as the training forward
/// does. Eval mode would use the running statistics instead, which start at (0, 1) and drift by
/// 10% a step: at step 0 Z0 would be the logits of a different function than the one training
/// starts from, and r(t) would move with the running averages rather than with the weights.</item>
/// <item>So that the probe's batch statistics do not leak into training, every buffer (running
/// mean and variance, num_batches_tracked) is copied before and restored after.</item>
/// <item>Everything else is in eval mode: no dropout (its generators are not advanced either).</item>
/// </list>
/// For the tangent kernel, <see cref="FixStatistics"/> then holds batch norm at the whole probe
/// batch's statistics, so that examples can be differentiated one by one. Disposing returns the
/// model to training mode.
/// </summary>
sealed class ProbeMode : IDisposable
{
    readonly Module model;
    readonly List<(Tensor live, Tensor saved)> buffers = [];

    public ProbeMode(Module model)
    {
        this.model = model;
        using (no_grad())
            foreach (var (_, buffer) in model.named_buffers())
                buffers.Add((buffer, buffer.clone().DetachFromDisposeScope()));
        model.eval();
        foreach (var norm in BatchNorms()) norm.train();
    }

    /// <summary>
    /// Runs <paramref name="forward"/> (the probe batch, as above) with every batch norm adopting
    /// that batch's statistics, then switches batch norm to eval mode with them: the network is then
    /// the function the probe batch saw, with its normalization held fixed (no derivative through
    /// the batch statistics), and one example's logits depend on that example alone. Returns the
    /// forward's result.
    /// </summary>
    public Tensor FixStatistics(Func<Tensor> forward)
    {
        var norms = BatchNorms().ToList();
        foreach (var norm in norms) norm.AdoptBatchStatistics = true;
        try
        {
            return forward();
        }
        finally
        {
            foreach (var norm in norms)
            {
                norm.AdoptBatchStatistics = false;
                norm.eval();
            }
        }
    }

    IEnumerable<BatchNorm2d> BatchNorms() => model.named_modules().Select(m => m.module).OfType<BatchNorm2d>();

    public void Dispose()
    {
        using (no_grad())
            foreach (var (live, saved) in buffers)
            {
                live.copy_(saved);
                saved.Dispose();
            }
        model.train();
    }
}
