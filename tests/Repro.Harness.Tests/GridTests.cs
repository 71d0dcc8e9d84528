namespace Repro.Harness.Tests;

public class GridTests
{
    [Test]
    public void ExpandsBetaByLearningRateByLogitScaleByExtraBySeed_SeedFastest()
    {
        var grid = new Grid
        {
            Betas = [0.1, 10],
            LearningRates = LearningRates.EtaTilde(0.01, 1),
            LogitScales = [1.0, null],
            Seeds = [0, 1],
            Extra = [new Axis("bn", true, false)],
        };
        var cells = grid.Cells();
        Assert.That(cells, Has.Count.EqualTo(2 * 2 * 2 * 2 * 2));
        Assert.That(cells.Take(3).Select(c => c.Id), Is.EqualTo(new[]
        {
            "beta=0.1_etat=0.01_z0=1_bn=true_seed=0",
            "beta=0.1_etat=0.01_z0=1_bn=true_seed=1",
            "beta=0.1_etat=0.01_z0=1_bn=false_seed=0",
        }));
        Assert.That(cells[^1].Id, Is.EqualTo("beta=10_etat=1_z0=init_bn=false_seed=1"));
        Assert.That(cells.Select(c => c.Id).Distinct().Count(), Is.EqualTo(cells.Count));
        Assert.That(cells[^1].Get<bool>("bn"), Is.False);
    }

    [Test]
    public void EtaTildeAndEtaAreRelatedByBetaSquared()
    {
        var byTilde = new Grid { Betas = [0.1], LearningRates = LearningRates.EtaTilde(0.01) }.Cells().Single();
        Assert.That(byTilde.EtaTilde, Is.EqualTo(0.01));
        Assert.That(byTilde.Eta, Is.EqualTo(1.0).Within(1e-12));
        var byEta = new Grid { Betas = [10], LearningRates = LearningRates.Eta(1e-3) }.Cells().Single();
        Assert.That(byEta.EtaTilde, Is.EqualTo(0.1).Within(1e-15));
        Assert.That(byEta.Id, Is.EqualTo("beta=10_eta=0.001_z0=init_seed=0"));
    }

    [Test]
    public void PerBetaLearningRates()
    {
        var cells = new Grid { Betas = [0.1, 1], LearningRates = LearningRates.EtaTildePerBeta(beta => [beta, 2 * beta]) }.Cells();
        Assert.That(cells.Select(c => c.EtaTilde), Is.EqualTo(new[] { 0.1, 0.2, 1, 2 }));
    }

    [Test]
    public void SmallAndLargeNumbersReadCompactlyInIds()
    {
        var cell = new Grid { Betas = [1e-5], LearningRates = LearningRates.EtaTilde(2.5e6), LogitScales = [0.3] }.Cells().Single();
        Assert.That(cell.Id, Is.EqualTo("beta=1e-05_etat=2500000_z0=0.3_seed=0"));
    }

    [TestCase(0.0)]
    [TestCase(-1.0)]
    [TestCase(double.NaN)]
    [TestCase(double.PositiveInfinity)]
    public void RejectsBadBeta(double beta)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new Grid { Betas = [beta], LearningRates = LearningRates.Eta(0.1) }.Cells());
        Assert.That(e!.Message, Does.Contain("beta"));
    }

    [Test]
    public void RejectsNaNLearningRateNamingTheBeta()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new Grid { Betas = [3], LearningRates = LearningRates.EtaTilde(double.NaN) }.Cells());
        Assert.That(e!.Message, Does.Contain("etaTilde").And.Contain("beta=3"));
    }

    [Test]
    public void RejectsRepeatedValuesAndBadAxes()
    {
        Assert.That(() => new Grid { Betas = [1, 1], LearningRates = LearningRates.Eta(0.1) }.Cells(),
            Throws.ArgumentException.With.Message.Contains("more than once"));
        Assert.That(() => new Axis("Bad-Name", 1), Throws.ArgumentException.With.Message.Contains("Bad-Name"));
        Assert.That(() => new Axis("bn", true, true), Throws.ArgumentException.With.Message.Contains("repeats"));
        Assert.That(() => new Grid { Betas = [1], LearningRates = LearningRates.Eta(0.1), Extra = [new Axis("seed", 1)] }.Cells(),
            Throws.ArgumentException.With.Message.Contains("clashes"));
        Assert.That(() => new Grid { Betas = [1], LearningRates = LearningRates.Eta(0.1), LogitScales = [0.0] }.Cells(),
            Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("logitScale"));
    }

    [Test]
    public void MissingAxisNamesTheAxesThereAre()
    {
        var cell = new Grid { Betas = [1], LearningRates = LearningRates.Eta(0.1), Extra = [new Axis("width", 16)] }.Cells().Single();
        Assert.That(() => cell.Get<int>("depth"), Throws.InstanceOf<KeyNotFoundException>().With.Message.Contains("width"));
        Assert.That(() => cell.Get<bool>("width"), Throws.InvalidOperationException.With.Message.Contains("Int32"));
    }

    [Test]
    public void TierIsChosenByName()
    {
        Assert.That(Tier.Parse("Short", "test"), Is.SameAs(Tier.Short));
        Assert.That(Tier.Smoke.Pick(1, 2, 3), Is.EqualTo(1));
        Assert.That(Tier.Full.Pick(1, 2, 3), Is.EqualTo(3));
        Assert.That(() => Tier.Parse("medium", "REPRO_TIER"), Throws.ArgumentException.With.Message.Contains("REPRO_TIER").And.Message.Contains("smoke, short, full"));
    }
}
