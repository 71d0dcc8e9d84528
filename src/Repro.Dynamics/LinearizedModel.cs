using Repro.Torch;
using Repro.Torch.Modules;
using static Repro.Torch.torch;

namespace Repro.Dynamics;

/// <summary>
/// The network linearized around its initialization on a fixed input batch:
/// z_lin(theta) = f(x; theta0) + J (theta - theta0), J = df/dtheta at theta0, trained by gradient
/// descent alongside the network (THEORY.md, t_nl). Only Delta = theta - theta0 is stored.
/// J is never formed: J v is a Jacobian-vector product by double backward (the gradient of
/// J^T u with respect to a dummy u), and J^T w a vector-Jacobian product; both reuse one graph of
/// f(x; theta0), kept alive for the model's lifetime.
/// </summary>
public sealed class LinearizedModel : IDisposable
{
    readonly IReadOnlyList<Tensor> theta0;
    readonly Tensor f0;          // f(x; theta0), with its graph
    readonly Tensor u;           // the dummy cotangent of J^T u
    readonly Tensor[] jtU;       // J^T u, differentiable in u
    readonly Tensor[] delta;     // theta - theta0

    /// <param name="frozen">A copy of the network at theta0; it must not be trained.</param>
    public LinearizedModel(Module<Tensor, Tensor> frozen, Tensor x)
    {
        theta0 = frozen.parameters();
        f0 = frozen.forward(x).DetachFromDisposeScope();
        u = zeros(f0.shape, f0.dtype).requires_grad_().DetachFromDisposeScope();
        jtU = autograd.grad([f0], theta0, [u], create_graph: true)
            .Select((g, i) => g ?? throw new InvalidOperationException($"parameter {i} does not affect the logits"))
            .Select(g => g.DetachFromDisposeScope()).ToArray();
        delta = theta0.Select(p => zeros(p.shape, p.dtype).DetachFromDisposeScope()).ToArray();
    }

    /// <summary>The shapes of the parameters (of Delta, and of directions v).</summary>
    public IReadOnlyList<long[]> ParameterShapes() => theta0.Select(p => p.shape).ToList();

    /// <summary>J v for a parameter-shaped direction v.</summary>
    public Tensor Jvp(IReadOnlyList<Tensor> v) => autograd.grad(jtU, [u], v.Cast<Tensor?>().ToList(), retain_graph: true)[0]!;

    /// <summary>J^T w for a logit-shaped w.</summary>
    public Tensor[] Vjp(Tensor w) => autograd.grad([f0], theta0, [w], retain_graph: true).Select(g => g!).ToArray();

    /// <summary>z_lin at the current Delta (no graph).</summary>
    public Tensor Logits()
    {
        using var scope = NewDisposeScope();
        return (f0.detach() + Jvp(delta)).detach().MoveToOuterDisposeScope();
    }

    /// <summary>One gradient-descent step on Delta for loss(z_lin): Delta -= eta J^T dloss/dz_lin.
    /// Returns the loss before the step.</summary>
    public double Step(Func<Tensor, Tensor> loss, double eta)
    {
        using var scope = NewDisposeScope();
        Tensor z = Logits().requires_grad_();
        Tensor l = loss(z);
        Tensor w = autograd.grad([l], [z])[0]!;
        var g = Vjp(w);
        using (no_grad())
            for (int i = 0; i < delta.Length; i++) delta[i].add_(g[i], -eta);
        return l.item();
    }

    public void Dispose()
    {
        foreach (var t in jtU) t.Dispose();
        foreach (var t in delta) t.Dispose();
        u.Dispose();
        f0.Dispose();
    }
}
