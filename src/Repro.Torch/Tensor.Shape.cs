using static Repro.Torch.PInvoke.Native;

namespace Repro.Torch;

// Shapes, views and indexing.
public sealed partial class Tensor
{
    public unsafe Tensor reshape(params ReadOnlySpan<long> shape)
    {
        fixed (long* s = shape) return Wrap(RTTensor_reshape(this, s, shape.Length));
    }

    public unsafe Tensor view(params ReadOnlySpan<long> shape)
    {
        fixed (long* s = shape) return Wrap(RTTensor_view(this, s, shape.Length));
    }

    public unsafe Tensor expand(params ReadOnlySpan<long> shape)
    {
        fixed (long* s = shape) return Wrap(RTTensor_expand(this, s, shape.Length));
    }

    public unsafe Tensor permute(params ReadOnlySpan<long> dims)
    {
        fixed (long* d = dims) return Wrap(RTTensor_permute(this, d, dims.Length));
    }

    public Tensor transpose(long dim0, long dim1) => Wrap(RTTensor_transpose(this, dim0, dim1));
    public Tensor squeeze(long dim) => Wrap(RTTensor_squeeze(this, dim));
    public Tensor unsqueeze(long dim) => Wrap(RTTensor_unsqueeze(this, dim));
    public Tensor flatten(long start_dim = 0, long end_dim = -1) => Wrap(RTTensor_flatten(this, start_dim, end_dim));
    public Tensor narrow(long dim, long start, long length) => Wrap(RTTensor_narrow(this, dim, start, length));
    public Tensor index_select(long dim, Tensor index) => Wrap(RTTensor_index_select(this, dim, index));
    public Tensor gather(long dim, Tensor index) => Wrap(RTTensor_gather(this, dim, index));
}
