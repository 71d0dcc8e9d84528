using Repro.Torch.PInvoke;
using static Repro.Torch.PInvoke.Native;

namespace Repro.Torch;

/// <summary>
/// Tensor creation and the functions that are not methods of one tensor, shaped like
/// TorchSharp's <c>torch</c>: <c>using static Repro.Torch.torch;</c> then <c>zeros([2, 3])</c>.
/// Random functions always take an explicit <see cref="Generator"/>.
/// </summary>
public static partial class torch
{
    public const ScalarType uint8 = ScalarType.UInt8;
    public const ScalarType int32 = ScalarType.Int32;
    public const ScalarType int64 = ScalarType.Int64;
    public const ScalarType float32 = ScalarType.Float32;
    public const ScalarType float64 = ScalarType.Float64;
    public const ScalarType @bool = ScalarType.Bool;

    // ---- creation ------------------------------------------------------------------------------

    static unsafe Tensor Create(ReadOnlySpan<long> shape, ScalarType dtype, Device? device, bool requires_grad,
        delegate*<long*, int, int, int, int, IntPtr> create, string op)
    {
        Device d = device ?? Device.CPU;
        d.EnsureAvailable();
        IntPtr h;
        fixed (long* s = shape) h = create(s, shape.Length, (int)dtype, (int)d.Type, d.Index);
        return Wrap(h, op).requires_grad_(requires_grad);
    }

    public static unsafe Tensor empty(ReadOnlySpan<long> shape, ScalarType dtype = float32, Device? device = null, bool requires_grad = false) =>
        Create(shape, dtype, device, requires_grad, &RTTensor_empty, nameof(empty));

    public static unsafe Tensor zeros(ReadOnlySpan<long> shape, ScalarType dtype = float32, Device? device = null, bool requires_grad = false) =>
        Create(shape, dtype, device, requires_grad, &RTTensor_zeros, nameof(zeros));

    public static unsafe Tensor ones(ReadOnlySpan<long> shape, ScalarType dtype = float32, Device? device = null, bool requires_grad = false) =>
        Create(shape, dtype, device, requires_grad, &RTTensor_ones, nameof(ones));

    public static unsafe Tensor full(ReadOnlySpan<long> shape, double value, ScalarType dtype = float32, Device? device = null, bool requires_grad = false)
    {
        Device d = device ?? Device.CPU;
        d.EnsureAvailable();
        fixed (long* s = shape)
            return Wrap(RTTensor_full(s, shape.Length, value, (int)dtype, (int)d.Type, d.Index)).requires_grad_(requires_grad);
    }

    public static Tensor arange(double start, double end, double step = 1, ScalarType dtype = int64, Device? device = null)
    {
        Device d = device ?? Device.CPU;
        d.EnsureAvailable();
        return Wrap(RTTensor_arange(start, end, step, (int)dtype, (int)d.Type, d.Index));
    }

    public static Tensor arange(long end, ScalarType dtype = int64, Device? device = null) => arange(0, end, 1, dtype, device);

    /// <summary>A CPU tensor holding a copy of <paramref name="data"/> (C order), of the given shape
    /// (default: one dimension).</summary>
    public static unsafe Tensor tensor<T>(ReadOnlySpan<T> data, ReadOnlySpan<long> shape = default, bool requires_grad = false)
        where T : unmanaged
    {
        ReadOnlySpan<long> s = shape.IsEmpty ? [data.Length] : shape;
        long count = 1;
        foreach (long n in s) count *= n;
        if (count != data.Length)
            throw new TorchException($"tensor: {data.Length} values do not fill shape [{string.Join(", ", s.ToArray())}] ({count} elements)");
        fixed (T* p = data)
        fixed (long* sp = s)
            return Wrap(RTTensor_from_data(p, sp, s.Length, (int)ScalarTypeExtensions.Of<T>())).requires_grad_(requires_grad);
    }

    public static Tensor tensor<T>(T[] data, ReadOnlySpan<long> shape = default, bool requires_grad = false) where T : unmanaged =>
        tensor((ReadOnlySpan<T>)data, shape, requires_grad);

    /// <summary>A zero-dimensional tensor.</summary>
    public static Tensor scalar_tensor(double value, ScalarType dtype = float32) => full([], value, dtype);

    // ---- random --------------------------------------------------------------------------------

    public static unsafe Tensor randn(ReadOnlySpan<long> shape, Generator generator, ScalarType dtype = float32, Device? device = null)
    {
        fixed (long* s = shape) return OnDevice(Wrap(RTTensor_randn(s, shape.Length, (int)dtype, generator)), device);
    }

    public static unsafe Tensor rand(ReadOnlySpan<long> shape, Generator generator, ScalarType dtype = float32, Device? device = null)
    {
        fixed (long* s = shape) return OnDevice(Wrap(RTTensor_rand(s, shape.Length, (int)dtype, generator)), device);
    }

    /// <summary>Integers uniform in [low, high).</summary>
    public static unsafe Tensor randint(long low, long high, ReadOnlySpan<long> shape, Generator generator, Device? device = null)
    {
        fixed (long* s = shape) return OnDevice(Wrap(RTTensor_randint(low, high, s, shape.Length, generator)), device);
    }

    public static Tensor randperm(long n, Generator generator, Device? device = null) =>
        OnDevice(Wrap(RTTensor_randperm(n, generator)), device);

    // Random draws happen on the CPU generator, then move: a seed means the same numbers everywhere.
    static Tensor OnDevice(Tensor cpuTensor, Device? device)
    {
        if (device is not { Type: DeviceType.CUDA } d) return cpuTensor;
        using (cpuTensor) return cpuTensor.to(d);
    }

    // ---- functions of several tensors ----------------------------------------------------------

    public static unsafe Tensor cat(IReadOnlyList<Tensor> tensors, long dim = 0)
    {
        using var list = new HandleList(tensors);
        fixed (IntPtr* p = list.Handles) return Wrap(RTTensor_cat(p, tensors.Count, dim));
    }

    public static unsafe Tensor stack(IReadOnlyList<Tensor> tensors, long dim = 0)
    {
        using var list = new HandleList(tensors);
        fixed (IntPtr* p = list.Handles) return Wrap(RTTensor_stack(p, tensors.Count, dim));
    }

    public static Tensor matmul(Tensor a, Tensor b) => a.matmul(b);

    public static Tensor where(Tensor condition, Tensor a, Tensor b) => Wrap(RTTensor_where(condition, a, b));

    // ---- memory and grad mode ------------------------------------------------------------------

    /// <summary>Opens a dispose scope on this thread; see <see cref="DisposeScope"/>.</summary>
    public static DisposeScope NewDisposeScope() => new();

    /// <summary>Native tensors alive in this process (created and not yet disposed).</summary>
    public static long LiveTensorCount => RT_live_tensors();

    /// <summary>Disables gradient recording on this thread until disposed (scopes nest).</summary>
    public static GradModeScope no_grad() => new(enabled: false);

    public static GradModeScope enable_grad() => new(enabled: true);

    public static bool is_grad_enabled() => RTAutograd_is_grad_enabled() != 0;

    public readonly struct GradModeScope : IDisposable
    {
        readonly bool previous;
        internal GradModeScope(bool enabled) => previous = RTAutograd_set_grad_enabled(enabled ? 1 : 0) != 0;
        public void Dispose() => RTAutograd_set_grad_enabled(previous ? 1 : 0);
    }
}
