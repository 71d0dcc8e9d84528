using static Repro.Torch.torch;

namespace Repro.Torch.Tests;

public class GeneratorTests
{
    [Test]
    public void SameSeedSameNumbersOtherSeedOtherNumbers()
    {
        using var scope = NewDisposeScope();
        using var a = new Generator(42);
        using var b = new Generator(42);
        using var c = new Generator(43);
        Assert.That(randn([100], a).ToArray<float>(), Is.EqualTo(randn([100], b).ToArray<float>()));
        Assert.That(randn([100], a).ToArray<float>(), Is.Not.EqualTo(randn([100], c).ToArray<float>()));
        Assert.That(a.initial_seed(), Is.EqualTo(42UL));
    }

    [Test]
    public void StateRoundTripResumesTheStream()
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(7);
        _ = rand([10], g);
        Tensor state = g.get_state();
        double[] next = rand([5], g, float64).ToArray<double>();
        g.set_state(state);
        Assert.That(rand([5], g, float64).ToArray<double>(), Is.EqualTo(next));
        g.manual_seed(7);
        using var fresh = new Generator(7);
        Assert.That(rand([3], g).ToArray<float>(), Is.EqualTo(rand([3], fresh).ToArray<float>()));
    }

    [Test]
    public void DistributionsHaveTheRightMoments()
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(1);
        Tensor n = randn([200000], g, float64);
        Assert.That(n.mean().item(), Is.EqualTo(0).Within(0.01));
        Assert.That(n.square().mean().item(), Is.EqualTo(1).Within(0.01));
        Tensor u = rand([200000], g, float64);
        Assert.That(u.min().item(), Is.GreaterThanOrEqualTo(0));
        Assert.That(u.max().item(), Is.LessThan(1));
        Assert.That(u.mean().item(), Is.EqualTo(0.5).Within(0.005));
        Tensor i = randint(3, 7, [10000], g);
        Assert.That(i.min().item(), Is.EqualTo(3));
        Assert.That(i.max().item(), Is.EqualTo(6));
        Assert.That(randperm(10, g).ToArray<long>().Order(), Is.EqualTo(Enumerable.Range(0, 10).Select(x => (long)x)));
        Tensor t = empty([100000], float64).normal_(2, 3, g);
        Assert.That(t.mean().item(), Is.EqualTo(2).Within(0.05));
        Tensor uu = empty([100000], float64).uniform_(-2, -1, g);
        Assert.That(uu.max().item(), Is.LessThanOrEqualTo(-1));
        Assert.That(empty([100000], float64).bernoulli_(0.3, g).mean().item(), Is.EqualTo(0.3).Within(0.01));
    }
}
