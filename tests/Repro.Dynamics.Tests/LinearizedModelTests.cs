using Repro.Models;
using Repro.Torch;
using static Repro.Torch.torch;

namespace Repro.Dynamics.Tests;

public class LinearizedModelTests
{
    static Mlp Net(ulong seed, int[] widths) => new(widths, "tanh", new Generator(seed), ScalarType.Float64);

    static Tensor[] RandomDirection(Mlp net, ulong seed)
    {
        using var g = new Generator(seed);
        return net.parameters().Select(p => randn(p.shape, g, ScalarType.Float64)).ToArray();
    }

    [Test]
    public void JvpMatchesCentralDifferencesAndVjpIsItsTranspose()
    {
        int[] widths = [6, 12, 12, 4];
        using var net = Net(1, widths);
        using var frozen = Net(1, widths);
        using var g = new Generator(9);
        using var x = randn([10, 6], g, ScalarType.Float64);
        using var lin = new LinearizedModel(frozen, x);
        var v = RandomDirection(net, 5);
        using var jv = lin.Jvp(v);

        const double eps = 1e-5;
        Tensor Shifted(double sign)
        {
            using (no_grad()) foreach (var (p, d) in net.parameters().Zip(v)) p.add_(d, sign * eps);
            using var _ = no_grad();
            var z = net.forward(x);
            using (no_grad()) foreach (var (p, d) in net.parameters().Zip(v)) p.add_(d, -sign * eps);
            return z;
        }
        using var plus = Shifted(+1);
        using var minus = Shifted(-1);
        using var fd = (plus - minus) / (2 * eps);
        Assert.That((fd - jv).norm().item() / jv.norm().item(), Is.LessThan(1e-8));

        using var w = randn(jv.shape, g, ScalarType.Float64);
        var jtw = lin.Vjp(w);
        double left = (w * jv).sum().item(), right = jtw.Zip(v, (a, b) => (a * b).sum().item()).Sum();
        Assert.That(right, Is.EqualTo(left).Within(1e-12 * Math.Abs(left)));
        foreach (var t in v.Concat(jtw)) t.Dispose();
    }

    [Test]
    public void AModelLinearInItsParametersIsItsOwnLinearization()
    {
        int[] widths = [6, 4];  // one Linear layer: z = W x + b
        using var net = Net(2, widths);
        using var frozen = Net(2, widths);
        using var g = new Generator(3);
        using var x = randn([16, 6], g, ScalarType.Float64);
        using var y = randint(0, 4, [16], g);
        using var lin = new LinearizedModel(frozen, x);
        const double beta = 2, eta = 0.1;
        for (int step = 0; step < 20; step++)
        {
            double linLoss = lin.Step(z => BetaCrossEntropy.Loss(z, y, beta), eta);
            using var scope = NewDisposeScope();
            Tensor loss = BetaCrossEntropy.Loss(net.forward(x), y, beta);
            Assert.That(linLoss, Is.EqualTo(loss.item()).Within(1e-13 * loss.item()), $"step {step}");
            var grads = autograd.grad([loss], net.parameters());
            using (no_grad()) foreach (var (p, gr) in net.parameters().Zip(grads)) p.add_(gr!, -eta);
        }
    }

    /// <summary>THEORY.md T3(a) in miniature: one theta0 for every beta plus a per-example offset
    /// c = Z0 / beta - f(theta0), so that Z0 is the same for every beta; with eta = eta~ / beta^2
    /// the linearized loss curves coincide across beta.</summary>
    [Test]
    public void LinearizedLossCurvesCoincideAcrossBetaWithTheOffsetConstruction()
    {
        int[] widths = [8, 32, 32, 5];
        using var g = new Generator(4);
        using var x = randn([32, 8], g, ScalarType.Float64);
        using var y = randint(0, 5, [32], g);
        const double etaTilde = 0.05;
        List<double> Curve(double beta)
        {
            using var frozen = Net(7, widths);
            using var lin = new LinearizedModel(frozen, x);
            using var f0 = lin.Logits();
            using var z0 = f0 * (1.0 / LogitNorm.Rms(f0));          // target Z0: the same for every beta
            using var offset = z0 / beta - f0;                       // c(x)
            var losses = new List<double>();
            for (int step = 0; step < 50; step++)
                losses.Add(lin.Step(z => BetaCrossEntropy.Loss(z + offset, y, beta), etaTilde / (beta * beta)));
            return losses;
        }
        var reference = Curve(10);
        Assert.That(reference[^1], Is.LessThan(0.95 * reference[0]), "the linearized model learns");
        foreach (double beta in new[] { 0.1, 1.0, 3.0 })
        {
            var curve = Curve(beta);
            double worst = curve.Zip(reference, (a, b) => Math.Abs(a - b) / b).Max();
            Assert.That(worst, Is.LessThan(1e-12), $"beta={beta} against beta=10");
        }
    }
}

public class GaussNewtonTests
{
    [Test]
    public void TopEigenvalueMatchesTheExplicitMatrix()
    {
        int[] widths = [3, 4, 2];
        using var frozen = new Mlp(widths, "tanh", new Generator(5), ScalarType.Float64);
        using var g = new Generator(6);
        using var x = randn([5, 3], g, ScalarType.Float64);
        using var lin = new LinearizedModel(frozen, x);
        const double beta = 1.7;
        using var p = (lin.Logits() * beta).softmax(1);
        double fast = GaussNewton.TopEigenvalue(lin, p, beta, g, iterations: 500, tolerance: 1e-14);

        // Explicit: columns of J from J e_i, then G = J^T H J / M, then power iteration on the matrix.
        var shapes = lin.ParameterShapes();
        int n = shapes.Sum(s => (int)s.Aggregate(1L, (a, b) => a * b));
        var columns = new double[n][];
        for (int i = 0, offset = 0; i < shapes.Count; i++)
        {
            int size = (int)shapes[i].Aggregate(1L, (a, b) => a * b);
            for (int k = 0; k < size; k++)
            {
                var basis = shapes.Select((s, j) =>
                {
                    var data = new double[s.Aggregate(1L, (a, b) => a * b)];
                    if (j == i) data[k] = 1;
                    return tensor(data, s);
                }).ToArray();
                using var jv = lin.Jvp(basis);
                columns[offset + k] = jv.ToArray<double>();
                foreach (var t in basis) t.Dispose();
            }
            offset += size;
        }
        double[] probs = p.ToArray<double>();
        int m = 5, kk = 2;
        var gMatrix = new double[n, n];
        for (int a = 0; a < n; a++)
            for (int b = 0; b < n; b++)
            {
                double sum = 0;
                for (int e = 0; e < m; e++)
                    for (int r = 0; r < kk; r++)
                        for (int c = 0; c < kk; c++)
                        {
                            double h = beta * beta * ((r == c ? probs[e * kk + r] : 0) - probs[e * kk + r] * probs[e * kk + c]);
                            sum += columns[a][e * kk + r] * h * columns[b][e * kk + c];
                        }
                gMatrix[a, b] = sum / m;
            }
        var v = Enumerable.Repeat(1.0, n).ToArray();
        double lambda = 0;
        for (int it = 0; it < 5000; it++)
        {
            var w = new double[n];
            for (int a = 0; a < n; a++) for (int b = 0; b < n; b++) w[a] += gMatrix[a, b] * v[b];
            double norm = Math.Sqrt(w.Sum(t => t * t));
            lambda = norm / Math.Sqrt(v.Sum(t => t * t));
            v = w.Select(t => t / norm).ToArray();
        }
        Assert.That(fast, Is.EqualTo(lambda).Within(1e-8 * lambda));
    }
}

public class EmpiricalNtkTests
{
    [Test]
    public void ALinearLayersKernelIsInputGramPlusOneTimesIdentity()
    {
        // z = W x + b: dz_k/dW_kj = x_j, dz_k/db_k = 1, so Theta((a,k),(b,l)) = (x_a . x_b + 1) [k == l].
        using var model = new Mlp([3, 2], "tanh", new Generator(1), ScalarType.Float64);
        using var g = new Generator(2);
        using var x = randn([4, 3], g, ScalarType.Float64);
        using var theta = EmpiricalNtk.Of(model, x);
        Assert.That(theta.shape, Is.EqualTo(new long[] { 8, 8 }));
        double[] t = theta.ToArray<double>(), xs = x.ToArray<double>();
        for (int a = 0; a < 4; a++)
            for (int b = 0; b < 4; b++)
                for (int k = 0; k < 2; k++)
                    for (int l = 0; l < 2; l++)
                    {
                        double dot = Enumerable.Range(0, 3).Sum(j => xs[a * 3 + j] * xs[b * 3 + j]);
                        double expected = k == l ? dot + 1 : 0;
                        Assert.That(t[(a * 2 + k) * 8 + b * 2 + l], Is.EqualTo(expected).Within(1e-12));
                    }
    }

    [Test]
    public void TheKernelMovesWhenANonlinearNetworkTrains()
    {
        using var model = new Mlp([3, 16, 2], "tanh", new Generator(1), ScalarType.Float64);
        using var g = new Generator(2);
        using var x = randn([4, 3], g, ScalarType.Float64);
        using var theta0 = EmpiricalNtk.Of(model, x);
        Assert.That(EmpiricalNtk.RelativeChange(theta0, theta0), Is.Zero);
        using (no_grad()) foreach (var p in model.parameters()) p.mul_(1.5);
        using var theta1 = EmpiricalNtk.Of(model, x);
        Assert.That(EmpiricalNtk.RelativeChange(theta1, theta0), Is.GreaterThan(0.1));
    }

    [Test]
    public void BatchNormInTrainingModeIsRefusedItCouplesTheExamples()
    {
        using var norm = nn.BatchNorm2d(3);
        using var g = new Generator(2);
        using var x = randn([4, 3, 1, 1], g);
        Assert.That(() => EmpiricalNtk.Of(norm, x), Throws.InvalidOperationException.With.Message.Contains("eval mode"));
        norm.eval();
        using var theta = EmpiricalNtk.Of(norm, x);
        Assert.That(theta.shape, Is.EqualTo(new long[] { 12, 12 }));
    }
}
