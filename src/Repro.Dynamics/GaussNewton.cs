using Repro.Torch;
using static Repro.Torch.torch;

namespace Repro.Dynamics;

/// <summary>
/// The Gauss-Newton matrix of the loss at initialization, G = (1/M) J^T H J, with J = dz/dtheta
/// and H the Hessian of the cross-entropy in z: per example beta^2 (diag(p) - p p^T), p = softmax(Z).
/// Its top eigenvalue sets the largest stable learning rate of the linearized dynamics,
/// eta_lin = 2 / lambda_max (THEORY.md, T5). Found by power iteration with Jacobian-vector and
/// vector-Jacobian products; G is never formed.
/// </summary>
public static class GaussNewton
{
    /// <param name="probabilities">softmax(Z) at initialization, [M, K].</param>
    public static double TopEigenvalue(LinearizedModel model, Tensor probabilities, double beta, Generator generator,
        int iterations = 100, double tolerance = 1e-10)
    {
        Inputs.Beta(beta);
        long m = probabilities.shape[0];
        var v = model.ParameterShapes().Select(shape => randn(shape, generator, probabilities.dtype)).ToArray();
        double lambda = 0;
        try
        {
            Normalize(v);
            for (int i = 0; i < iterations; i++)
            {
                Tensor[] gv;
                using (var scope = NewDisposeScope())
                {
                    Tensor jv = model.Jvp(v);
                    Tensor hjv = (probabilities * jv - probabilities * (probabilities * jv).sum([1], keepdim: true)) * (beta * beta / m);
                    gv = model.Vjp(hjv).Select(t => t.MoveToOuterDisposeScope()).ToArray();
                }
                double next = Dot(v, gv);  // Rayleigh quotient, v normalized
                foreach (var t in v) t.Dispose();
                v = gv;
                Normalize(v);
                bool converged = Math.Abs(next - lambda) <= tolerance * Math.Abs(next);
                lambda = next;
                if (converged) break;
            }
            return lambda;
        }
        finally
        {
            foreach (var t in v) t.Dispose();
        }
    }

    static double Dot(Tensor[] a, Tensor[] b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++)
            using (var p = (a[i] * b[i]).sum()) sum += p.item();
        return sum;
    }

    static void Normalize(Tensor[] v)
    {
        double norm = Math.Sqrt(Dot(v, v));
        using var noGrad = no_grad();
        foreach (var t in v) t.mul_(1 / norm);
    }
}
