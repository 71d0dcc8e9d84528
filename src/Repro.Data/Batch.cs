using Repro.Torch;

namespace Repro.Data;

/// <summary>One mini-batch: inputs (float32 images [B, C, H, W], int64 token ids [B, length], ...)
/// and int64 labels [B]. The consumer owns and disposes it.</summary>
public sealed class Batch(Tensor inputs, Tensor labels) : IDisposable
{
    public Tensor Inputs { get; } = inputs;
    public Tensor Labels { get; } = labels;

    public void Dispose()
    {
        Inputs.Dispose();
        Labels.Dispose();
    }
}
