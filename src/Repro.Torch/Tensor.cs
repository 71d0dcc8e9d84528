using System.Runtime.InteropServices;
using Repro.Torch.PInvoke;

namespace Repro.Torch;

/// <summary>
/// A libtorch tensor. The native object is freed by Dispose, by the dispose scope that owns the
/// tensor, or (as a last resort) by the finalizer. Using a disposed tensor raises
/// ObjectDisposedException. Operations are in Tensor.*.cs, one area per file.
/// </summary>
public sealed partial class Tensor : SafeHandle
{
    /// <summary>Needed by the interop marshaller; tensors are made by torch.* and by operations.</summary>
    public Tensor() : base(IntPtr.Zero, ownsHandle: true) { }

    internal Tensor(IntPtr handle) : this()
    {
        SetHandle(handle);
        DisposeScope.Current?.Add(this);
    }

    internal DisposeScope? Scope { get; set; }

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        Native.RTTensor_dispose(handle);
        return true;
    }

    // ---- properties ----------------------------------------------------------------------

    public long ndim => Native.RTTensor_ndim(this);

    public unsafe long[] shape
    {
        get
        {
            long[] s = new long[ndim];
            fixed (long* p = s) Native.RTTensor_shape(this, p);
            return s;
        }
    }

    public long size(int dim) => shape[dim < 0 ? dim + (int)ndim : dim];

    public long numel() => Native.RTTensor_numel(this);

    public ScalarType dtype => (ScalarType)Native.RTTensor_dtype(this);

    public Device device => new((DeviceType)Native.RTTensor_device_type(this), Native.RTTensor_device_index(this));

    public override string ToString() =>
        IsClosed ? "Tensor (disposed)" : $"Tensor[{string.Join(", ", shape)}] {dtype} {device}";

    // ---- dispose scopes ----------------------------------------------------------------------

    /// <summary>Hands this tensor to the scope around the current one (or to no scope).</summary>
    public Tensor MoveToOuterDisposeScope()
    {
        Scope?.MoveToOuter(this);
        return this;
    }

    /// <summary>Takes this tensor out of every scope: the caller disposes it.</summary>
    public Tensor DetachFromDisposeScope()
    {
        Scope?.Remove(this);
        return this;
    }

    // ---- conversion ------------------------------------------------------------------------

    /// <summary>Copies the elements (C order) into a new array; T must match the dtype.</summary>
    public unsafe T[] ToArray<T>() where T : unmanaged
    {
        ScalarType want = ScalarTypeExtensions.Of<T>();
        if (want != dtype)
            throw new TorchException($"ToArray<{typeof(T).Name}>: the tensor holds {dtype}; convert with .to(ScalarType.{want}) first");
        T[] result = new T[numel()];
        fixed (T* p = result)
            Native.Check(Native.RTTensor_copy_to(this, p, (long)result.Length * sizeof(T)));
        return result;
    }

    /// <summary>Copies the raw little-endian bytes of the elements (C order).</summary>
    public unsafe byte[] ToBytes()
    {
        byte[] result = new byte[numel() * dtype.ElementSize()];
        fixed (byte* p = result)
            Native.Check(Native.RTTensor_copy_to(this, p, result.Length));
        return result;
    }

    /// <summary>The value of a one-element tensor, as double.</summary>
    public double item()
    {
        Native.Check(Native.RTTensor_item(this, out double value));
        return value;
    }

    public T item<T>() where T : struct, IConvertible =>
        (T)Convert.ChangeType(item(), typeof(T), System.Globalization.CultureInfo.InvariantCulture);

    public Tensor to(ScalarType type) => Native.Wrap(Native.RTTensor_to_dtype(this, (int)type));

    /// <summary>A copy on <paramref name="target"/> (this tensor itself when it is there already).
    /// non_blocking: from pinned memory (<see cref="pin_memory"/>) to a GPU, the copy returns at once
    /// and the stream orders it before the kernels that read it.</summary>
    public Tensor to(Device target, bool non_blocking = false)
    {
        target.EnsureAvailable();
        return Native.Wrap(Native.RTTensor_to_device(this, (int)target.Type, target.Index, non_blocking ? 1 : 0));
    }

    /// <summary>A copy in page-locked host memory, which a GPU copy can read asynchronously; needs a
    /// CUDA libtorch and a GPU.</summary>
    public Tensor pin_memory()
    {
        Device.CUDA.EnsureAvailable();
        return Native.Wrap(Native.RTTensor_pin_memory(this));
    }

    public Tensor cpu() => to(Device.CPU);
    public Tensor cuda() => to(Device.CUDA);
    public Tensor clone() => Native.Wrap(Native.RTTensor_clone(this));
    public Tensor detach() => Native.Wrap(Native.RTTensor_detach(this));
    public Tensor contiguous() => Native.Wrap(Native.RTTensor_contiguous(this));

    /// <summary>Makes this tensor hold <paramref name="data"/>'s contents (dtype and device included)
    /// while staying the same object, as PyTorch's <c>p.data = ...</c>.</summary>
    public void set_data(Tensor data) => Native.Check(Native.RTTensor_set_data(this, data));
}
