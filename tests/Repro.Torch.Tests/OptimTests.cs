using Repro.Torch.Optim;
using static Repro.Torch.torch;

namespace Repro.Torch.Tests;

/// <summary>SGD against PyTorch's update rule computed by hand; schedules against their formulas.</summary>
public class OptimTests
{
    // Minimises f(p) = 0.5 * a * p^2 (gradient a * p) and returns the iterates.
    static double[] Run(double p0, double a, int steps, Func<IReadOnlyList<Tensor>, SGD> make)
    {
        using var scope = NewDisposeScope();
        Tensor p = tensor(new[] { p0 }, requires_grad: true);
        using var opt = make([p]);
        var path = new double[steps];
        for (int i = 0; i < steps; i++)
        {
            opt.zero_grad();
            (p.square() * (0.5 * a)).sum().backward();
            opt.step();
            path[i] = p.item();
        }
        return path;
    }

    static double[] Reference(double p, double a, int steps, double lr, double momentum, double dampening, double wd, bool nesterov)
    {
        var path = new double[steps];
        double? buffer = null;
        for (int i = 0; i < steps; i++)
        {
            double g = a * p + wd * p;
            if (momentum != 0)
            {
                buffer = buffer is null ? g : momentum * buffer.Value + (1 - dampening) * g;
                g = nesterov ? g + momentum * buffer.Value : buffer.Value;
            }
            p -= lr * g;
            path[i] = p;
        }
        return path;
    }

    [TestCase(0.0, 0.0, 0.0, false)]
    [TestCase(0.9, 0.0, 0.0, false)]
    [TestCase(0.9, 0.0, 5e-4, true)]
    [TestCase(0.5, 0.1, 0.01, false)]
    public void SgdFollowsPyTorchsRule(double momentum, double dampening, double wd, bool nesterov)
    {
        double[] path = Run(2.0, 3.0, 10, ps => optim.SGD(ps, lr: 0.1, momentum, dampening, wd, nesterov));
        Assert.That(path, Is.EqualTo(Reference(2.0, 3.0, 10, 0.1, momentum, dampening, wd, nesterov)).Within(1e-12));
    }

    [Test]
    public void SgdStateRoundTripsAndBadArgumentsAreRejected()
    {
        using var scope = NewDisposeScope();
        Tensor p = tensor(new[] { 1.0 }, requires_grad: true);
        using var opt = optim.SGD([p], lr: 0.1, momentum: 0.9);
        (p * 2.0).sum().backward();
        opt.step();
        var state = opt.state_dict();
        Assert.That(state.Keys, Is.EqualTo(new[] { "0.momentum_buffer" }));
        Assert.That(state["0.momentum_buffer"].item(), Is.EqualTo(2.0));
        using var other = optim.SGD([p], lr: 0.1, momentum: 0.9);
        other.load_state_dict(state);
        Assert.That(other.state_dict()["0.momentum_buffer"].item(), Is.EqualTo(2.0));
        Assert.Throws<TorchException>(() => other.load_state_dict(new Dictionary<string, Tensor> { ["3.momentum_buffer"] = zeros([1]) }));

        Assert.Throws<ArgumentOutOfRangeException>(() => optim.SGD([p], lr: double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => optim.SGD([p], lr: -1));
        Assert.Throws<ArgumentException>(() => optim.SGD([p], lr: 0.1, nesterov: true));
        Assert.Throws<ArgumentException>(() => optim.SGD([], lr: 0.1));
        opt.lr = double.PositiveInfinity;
        Assert.Throws<InvalidOperationException>(() => opt.step());
    }

    [Test]
    public void Schedules()
    {
        Assert.That(new ConstantSchedule(0.1).At(1000), Is.EqualTo(0.1));
        var step = new StepSchedule(1.0, 0.1, [30, 60]);
        Assert.That(new[] { step.At(0), step.At(29), step.At(30), step.At(60) }, Is.EqualTo(new[] { 1.0, 1.0, 0.1, 0.01 }).Within(1e-15));
        var cosine = new CosineSchedule(1.0, totalSteps: 110, warmupSteps: 10, minLr: 0.0);
        Assert.That(cosine.At(0), Is.EqualTo(0.1).Within(1e-15));
        Assert.That(cosine.At(9), Is.EqualTo(1.0).Within(1e-15));
        Assert.That(cosine.At(10), Is.EqualTo(1.0).Within(1e-15));
        Assert.That(cosine.At(60), Is.EqualTo(0.5).Within(1e-15));
        Assert.That(cosine.At(110), Is.EqualTo(0.0).Within(1e-15));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CosineSchedule(1.0, totalSteps: 10, warmupSteps: 10));
        Assert.Throws<ArgumentException>(() => new StepSchedule(1.0, 0.1, [60, 30]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ConstantSchedule(0));
    }
}
