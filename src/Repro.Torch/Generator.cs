using System.Runtime.InteropServices;
using Repro.Torch.PInvoke;

namespace Repro.Torch;

/// <summary>
/// A random number generator (libtorch's CPU Philox/MT generator). Every random draw in Repro
/// takes one explicitly, so a seed fixes a run even when tests run in parallel. Random tensors
/// are drawn on the CPU and moved, so a seed gives the same numbers on every device.
/// </summary>
public sealed class Generator : SafeHandle
{
    public Generator() : base(IntPtr.Zero, ownsHandle: true) { }

    public Generator(ulong seed) : this()
    {
        IntPtr h = Native.RTGenerator_new(seed);
        if (h == IntPtr.Zero) throw new TorchException($"Generator: {Native.LastError()}");
        SetHandle(h);
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        Native.RTGenerator_dispose(handle);
        return true;
    }

    public ulong initial_seed()
    {
        Native.Check(Native.RTGenerator_initial_seed(this, out ulong seed));
        return seed;
    }

    public Generator manual_seed(ulong seed)
    {
        Native.Check(Native.RTGenerator_manual_seed(this, seed));
        return this;
    }

    /// <summary>The whole generator state as a uint8 tensor (for checkpoints).</summary>
    public Tensor get_state() => Native.Wrap(Native.RTGenerator_get_state(this));

    public void set_state(Tensor state) => Native.Check(Native.RTGenerator_set_state(this, state));
}
