using Repro.Torch;
using static Repro.Torch.torch;

namespace Repro.Torch.Tests;

/// <summary>
/// Compares autograd's gradients with central finite differences in float64, as PyTorch's
/// gradcheck does: the output is projected on a fixed random direction, and every element of
/// every input is perturbed by +-h.
/// </summary>
public static class GradCheck
{
    const double H = 1e-6, Atol = 1e-7, Rtol = 1e-5;

    public static void Check(Func<Tensor[], Tensor> f, params Tensor[] inputs) => Check(f, inputs, H, Atol, Rtol);

    public static void Check(Func<Tensor[], Tensor> f, Tensor[] inputs, double h, double atol, double rtol)
    {
        using var scope = NewDisposeScope();
        foreach (var x in inputs)
            Assert.That(x.dtype, Is.EqualTo(ScalarType.Float64), "gradient checks run in float64");
        var xs = inputs.Select(x => x.detach().requires_grad_()).ToArray();

        // A fixed projection turns any output into a scalar whose gradient is a full vector-Jacobian product.
        Tensor y = f(xs);
        Tensor weights;
        using (var g = new Generator(12345)) weights = randn(y.shape, g, float64);
        Tensor projected = (y * weights).sum();
        Tensor?[] analytic = autograd.grad([projected], xs, allow_unused: true);

        for (int k = 0; k < xs.Length; k++)
        {
            double[] values = xs[k].ToArray<double>();
            double[] numeric = new double[values.Length];
            for (int i = 0; i < values.Length; i++)
                numeric[i] = (Evaluate(f, xs, k, values, i, +h, weights) - Evaluate(f, xs, k, values, i, -h, weights)) / (2 * h);
            double[] auto = analytic[k]?.ToArray<double>() ?? new double[values.Length];
            for (int i = 0; i < values.Length; i++)
            {
                double allowed = atol + rtol * Math.Abs(numeric[i]);
                Assert.That(Math.Abs(auto[i] - numeric[i]), Is.LessThanOrEqualTo(allowed),
                    $"input {k} element {i}: autograd {auto[i]:R} vs finite difference {numeric[i]:R}");
            }
        }
    }

    static double Evaluate(Func<Tensor[], Tensor> f, Tensor[] xs, int k, double[] values, int i, double delta, Tensor weights)
    {
        // Grad mode stays on: a second-order check differentiates inside f.
        using var scope = NewDisposeScope();
        double[] perturbed = (double[])values.Clone();
        perturbed[i] += delta;
        var args = (Tensor[])xs.Clone();
        args[k] = tensor(perturbed, xs[k].shape, requires_grad: true);
        return (f(args) * weights).sum().item();
    }

    /// <summary>Checks the gradient of the gradient: x -> (d f / d x) . v must itself pass Check.
    /// This is what Jacobian-vector products by double backward rely on.</summary>
    public static void CheckSecondOrder(Func<Tensor[], Tensor> f, params Tensor[] inputs)
    {
        Tensor[] directions;
        using (var g = new Generator(777))
            directions = inputs.Select(x => randn(x.shape, g, float64).DetachFromDisposeScope()).ToArray();
        try
        {
            Check(xs =>
            {
                Tensor y = f(xs).sum();
                Tensor?[] grads = autograd.grad([y], xs, create_graph: true, allow_unused: true);
                Tensor total = zeros([], float64);
                for (int k = 0; k < xs.Length; k++)
                    if (grads[k] is { } gk) total = total + (gk * directions[k]).sum();
                return total;
            }, inputs, 1e-5, 1e-6, 1e-4);
        }
        finally
        {
            foreach (var d in directions) d.Dispose();
        }
    }
}
