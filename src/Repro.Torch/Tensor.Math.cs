using Repro.Torch.PInvoke;
using static Repro.Torch.PInvoke.Native;

namespace Repro.Torch;

// Element-wise arithmetic, comparisons, in-place updates and reductions.
public sealed partial class Tensor
{
    // ---- arithmetic ---------------------------------------------------------------------------
    public Tensor add(Tensor other, double alpha = 1) => Wrap(RTTensor_add(this, other, alpha));
    public Tensor add(double s) => Wrap(RTTensor_add_scalar(this, s));
    public Tensor sub(Tensor other, double alpha = 1) => Wrap(RTTensor_sub(this, other, alpha));
    public Tensor sub(double s) => Wrap(RTTensor_add_scalar(this, -s));
    public Tensor mul(Tensor other) => Wrap(RTTensor_mul(this, other));
    public Tensor mul(double s) => Wrap(RTTensor_mul_scalar(this, s));
    public Tensor div(Tensor other) => Wrap(RTTensor_div(this, other));
    public Tensor div(double s) => Wrap(RTTensor_div_scalar(this, s));
    public Tensor pow(Tensor exponent) => Wrap(RTTensor_pow(this, exponent));
    public Tensor pow(double exponent) => Wrap(RTTensor_pow_scalar(this, exponent));
    public Tensor maximum(Tensor other) => Wrap(RTTensor_maximum(this, other));
    public Tensor minimum(Tensor other) => Wrap(RTTensor_minimum(this, other));
    public Tensor matmul(Tensor other) => Wrap(RTTensor_matmul(this, other));

    public Tensor neg() => Wrap(RTTensor_neg(this));
    public Tensor exp() => Wrap(RTTensor_exp(this));
    public Tensor log() => Wrap(RTTensor_log(this));
    public Tensor tanh() => Wrap(RTTensor_tanh(this));
    public Tensor sigmoid() => Wrap(RTTensor_sigmoid(this));
    public Tensor relu() => Wrap(RTTensor_relu(this));
    public Tensor sqrt() => Wrap(RTTensor_sqrt(this));
    public Tensor abs() => Wrap(RTTensor_abs(this));
    public Tensor square() => Wrap(RTTensor_square(this));
    public Tensor isfinite() => Wrap(RTTensor_isfinite(this));
    public Tensor logical_not() => Wrap(RTTensor_logical_not(this));

    public Tensor clamp(double? min = null, double? max = null) =>
        Wrap(RTTensor_clamp(this, min ?? 0, max ?? 0, min.HasValue ? 1 : 0, max.HasValue ? 1 : 0));

    public Tensor one_hot(long num_classes = -1) => Wrap(RTTensor_one_hot(this, num_classes));

    public Tensor softmax(long dim) => Wrap(RTNN_softmax(this, dim));
    public Tensor log_softmax(long dim) => Wrap(RTNN_log_softmax(this, dim));

    // ---- comparisons (bool tensors) -------------------------------------------------------------
    public Tensor eq(Tensor other) => Wrap(RTTensor_eq(this, other));
    public Tensor ne(Tensor other) => Wrap(RTTensor_ne(this, other));
    public Tensor lt(Tensor other) => Wrap(RTTensor_lt(this, other));
    public Tensor le(Tensor other) => Wrap(RTTensor_le(this, other));
    public Tensor gt(Tensor other) => Wrap(RTTensor_gt(this, other));
    public Tensor ge(Tensor other) => Wrap(RTTensor_ge(this, other));
    public Tensor eq(double s) => Wrap(RTTensor_eq_scalar(this, s));
    public Tensor ne(double s) => Wrap(RTTensor_ne_scalar(this, s));
    public Tensor lt(double s) => Wrap(RTTensor_lt_scalar(this, s));
    public Tensor le(double s) => Wrap(RTTensor_le_scalar(this, s));
    public Tensor gt(double s) => Wrap(RTTensor_gt_scalar(this, s));
    public Tensor ge(double s) => Wrap(RTTensor_ge_scalar(this, s));

    // ---- in place (optimizers, initialisation, activations); they return this for chaining ------
    public Tensor add_(Tensor other, double alpha = 1) { Check(RTTensor_add_(this, other, alpha)); return this; }
    public Tensor add_(double s) { Check(RTTensor_add_scalar_(this, s)); return this; }
    public Tensor mul_(Tensor other) { Check(RTTensor_mul_(this, other)); return this; }
    public Tensor mul_(double s) { Check(RTTensor_mul_scalar_(this, s)); return this; }
    public Tensor copy_(Tensor src) { Check(RTTensor_copy_(this, src)); return this; }
    public Tensor zero_() { Check(RTTensor_zero_(this)); return this; }
    public Tensor fill_(double value) { Check(RTTensor_fill_(this, value)); return this; }
    /// <summary>In place, as nn.ReLU(inplace=True): saves an activation-sized allocation per use
    /// (autograd refuses it where the input is still needed).</summary>
    public Tensor relu_() { Check(RTTensor_relu_(this)); return this; }
    public Tensor normal_(double mean, double std, Generator generator) { Check(RTTensor_normal_(this, mean, std, generator)); return this; }
    public Tensor uniform_(double from, double to, Generator generator) { Check(RTTensor_uniform_(this, from, to, generator)); return this; }
    public Tensor bernoulli_(double p, Generator generator) { Check(RTTensor_bernoulli_(this, p, generator)); return this; }

    // ---- reductions ----------------------------------------------------------------------------
    public Tensor sum() => Wrap(RTTensor_sum_all(this));
    public Tensor mean() => Wrap(RTTensor_mean_all(this));
    public Tensor max() => Wrap(RTTensor_max_all(this));
    public Tensor min() => Wrap(RTTensor_min_all(this));
    public Tensor argmax() => Wrap(RTTensor_argmax_all(this));
    public Tensor argmax(long dim, bool keepdim = false) => Wrap(RTTensor_argmax(this, dim, keepdim ? 1 : 0));
    public Tensor norm(double p = 2) => Wrap(RTTensor_norm_all(this, p));

    public unsafe Tensor sum(ReadOnlySpan<long> dims, bool keepdim = false)
    {
        fixed (long* d = dims) return Wrap(RTTensor_sum(this, d, dims.Length, keepdim ? 1 : 0));
    }

    public unsafe Tensor mean(ReadOnlySpan<long> dims, bool keepdim = false)
    {
        fixed (long* d = dims) return Wrap(RTTensor_mean(this, d, dims.Length, keepdim ? 1 : 0));
    }

    public unsafe Tensor logsumexp(ReadOnlySpan<long> dims, bool keepdim = false)
    {
        fixed (long* d = dims) return Wrap(RTTensor_logsumexp(this, d, dims.Length, keepdim ? 1 : 0));
    }

    public unsafe Tensor norm(double p, ReadOnlySpan<long> dims, bool keepdim = false)
    {
        fixed (long* d = dims) return Wrap(RTTensor_norm(this, p, d, dims.Length, keepdim ? 1 : 0));
    }

    /// <summary>Maximum over one dimension: the values and their indices.</summary>
    public (Tensor values, Tensor indices) max(long dim, bool keepdim = false)
    {
        Check(RTTensor_max(this, dim, keepdim ? 1 : 0, out IntPtr values, out IntPtr indices));
        return (new Tensor(values), new Tensor(indices));
    }

    // ---- operators -----------------------------------------------------------------------------
    public static Tensor operator +(Tensor a, Tensor b) => a.add(b);
    public static Tensor operator +(Tensor a, double s) => a.add(s);
    public static Tensor operator +(double s, Tensor a) => a.add(s);
    public static Tensor operator -(Tensor a, Tensor b) => a.sub(b);
    public static Tensor operator -(Tensor a, double s) => a.sub(s);
    public static Tensor operator -(double s, Tensor a) => Wrap(RTTensor_rsub_scalar(a, s));
    public static Tensor operator *(Tensor a, Tensor b) => a.mul(b);
    public static Tensor operator *(Tensor a, double s) => a.mul(s);
    public static Tensor operator *(double s, Tensor a) => a.mul(s);
    public static Tensor operator /(Tensor a, Tensor b) => a.div(b);
    public static Tensor operator /(Tensor a, double s) => a.div(s);
    public static Tensor operator /(double s, Tensor a) => Wrap(RTTensor_rdiv_scalar(a, s));
    public static Tensor operator -(Tensor a) => a.neg();
    public static Tensor operator <(Tensor a, Tensor b) => a.lt(b);
    public static Tensor operator >(Tensor a, Tensor b) => a.gt(b);
    public static Tensor operator <=(Tensor a, Tensor b) => a.le(b);
    public static Tensor operator >=(Tensor a, Tensor b) => a.ge(b);
    public static Tensor operator <(Tensor a, double s) => a.lt(s);
    public static Tensor operator >(Tensor a, double s) => a.gt(s);
    public static Tensor operator <=(Tensor a, double s) => a.le(s);
    public static Tensor operator >=(Tensor a, double s) => a.ge(s);
}
