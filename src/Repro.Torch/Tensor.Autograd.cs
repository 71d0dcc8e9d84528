using Repro.Torch.PInvoke;

namespace Repro.Torch;

public sealed partial class Tensor
{
    public bool requires_grad
    {
        get => Native.RTTensor_requires_grad(this) != 0;
        set => Native.Check(Native.RTTensor_set_requires_grad(this, value ? 1 : 0));
    }

    public Tensor requires_grad_(bool value = true)
    {
        requires_grad = value;
        return this;
    }

    /// <summary>The accumulated gradient (a new handle to it), or null when there is none.</summary>
    public Tensor? grad
    {
        get
        {
            Native.Check(Native.RTAutograd_get_grad(this, out IntPtr g));
            return g == IntPtr.Zero ? null : new Tensor(g);
        }
    }

    /// <summary>Drops the accumulated gradient (PyTorch's zero_grad with set_to_none).</summary>
    public void clear_grad() => Native.Check(Native.RTAutograd_clear_grad(this));

    public void backward(Tensor? gradient = null, bool retain_graph = false, bool create_graph = false)
    {
        using var handles = new HandleList([gradient]);
        Native.Check(Native.RTAutograd_backward(this, handles.Handles[0], retain_graph ? 1 : 0, create_graph ? 1 : 0));
    }
}
