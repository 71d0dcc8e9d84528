using Repro.Harness;

namespace Repro.Harness.Tests;

/// <summary>Each verdict rule on planted records: a law that holds, one that does not, and too little data.</summary>
public class ClaimsTests
{
    static readonly double[] Betas = [0.01, 0.1, 1, 10];

    static Grid ScanGrid(int seeds) => new()
    {
        Betas = Betas,
        LearningRates = LearningRates.Eta(0.5, 1, 2),
        LogitScales = [1.0, 10, 30],
        Seeds = Enumerable.Range(0, seeds).ToList(),
        Scan = new EtaScan(Ratio: 2, MaxExtensions: 10, At: 1.0),
    };

    /// <summary>Seed-dependent noise, the same on every run.</summary>
    static double Noise(Cell c, double size) =>
        size * 2 * (new Random((int)(1_000_003L * c.Seed + 7_919 * Math.Round(Math.Log(c.Beta) * 100) + 104_729 * Math.Round(Math.Log(c.Eta) * 100) + 13 * (c.LogitScale ?? 1)) & int.MaxValue).NextDouble() - 0.5);

    static IReadOnlyList<Claim> Claims(Grid grid, Func<Cell, RunRecord> outcome)
    {
        var records = ScanRecords.Run(grid, outcome);
        var variants = ClaimsTable.Variants(records);
        Assert.That(variants.Single().Table.Optima.Keys, Is.EquivalentTo(Betas));
        return variants.Single().Table.Claims();
    }

    static Claim Get(IReadOnlyList<Claim> claims, string id) => claims.Single(c => c.Id == id);

    [Test]
    public void C3_a_planted_inverse_law_is_consistent()
    {
        var claims = Claims(ScanGrid(3), c => ScanRecords.Of(c, ScanRecords.Peaked(c.Eta, 1 / c.Beta) + Noise(c, 0.005)));
        var c3 = Get(claims, "C3");
        Assert.That(c3.Value, Is.EqualTo(-1).Within(0.1), c3.Cells);
        Assert.That(c3.Verdict, Is.EqualTo(Verdict.Consistent), $"{c3.Value} [{c3.Low}, {c3.High}] {c3.Cells}");
    }

    [Test]
    public void C3_a_planted_flat_optimum_is_inconsistent()
    {
        var claims = Claims(ScanGrid(3), c => ScanRecords.Of(c, ScanRecords.Peaked(c.Eta, 1) + Noise(c, 0.005)));
        var c3 = Get(claims, "C3");
        Assert.That(c3.Value, Is.EqualTo(0).Within(0.1), c3.Cells);
        Assert.That(c3.Verdict, Is.EqualTo(Verdict.Inconsistent), $"{c3.Value} [{c3.Low}, {c3.High}]");
    }

    [Test]
    public void C3_two_noisy_seeds_are_inconclusive()
    {
        // Noise as large as the peak's fall over several doublings: the optimum wanders.
        var claims = Claims(ScanGrid(2), c => ScanRecords.Of(c, ScanRecords.Peaked(c.Eta, 1 / c.Beta) + Noise(c, 0.2)));
        Assert.That(Get(claims, "C3").Verdict, Is.EqualTo(Verdict.Inconclusive));
        Assert.That(claims.Select(c => c.Verdict), Is.All.EqualTo(Verdict.Inconclusive), "fewer than three seeds decide nothing");
    }

    [Test]
    public void Difference_claims_follow_a_planted_effect_and_its_absence()
    {
        // Accuracy rises with beta by 5 points a decade, falls by 20 points at ||Z0|| = 30, is flat below.
        double Accuracy(Cell c) => ScanRecords.Peaked(c.Eta, 1 / c.Beta) - 0.05 * Math.Log10(0.01 / c.Beta) - (c.LogitScale >= 30 ? 0.2 : 0) + Noise(c, 0.002);
        var claims = Claims(ScanGrid(3), c => ScanRecords.Of(c, Accuracy(c), eceTStar: 0.02 + Noise(c, 0.002)));
        Assert.That(Get(claims, "C1").Verdict, Is.EqualTo(Verdict.Consistent), Get(claims, "C1").Cells);
        Assert.That(Get(claims, "C2").Verdict, Is.EqualTo(Verdict.Consistent));
        Assert.That(Get(claims, "C6").Verdict, Is.EqualTo(Verdict.Consistent));
        var c7 = Get(claims, "C7");
        // One decade's 5 points, less what the x2 lattice misses of beta = 10's optimum (0.125 for 0.1: 1.6 points).
        Assert.That(c7.Value, Is.EqualTo(0.034).Within(0.005), "beta = 10 beats beta = 1");
        Assert.That(c7.Verdict, Is.EqualTo(Verdict.Consistent), c7.Cells);
        Assert.That(Get(claims, "C5").Verdict, Is.EqualTo(Verdict.Inconclusive), "no cell diverged anywhere: a rate difference of 0 is no evidence either way");

        // Nothing depends on beta or ||Z0||: the spreads' difference sits at 0.
        var flat = Claims(ScanGrid(3), c => ScanRecords.Of(c, ScanRecords.Peaked(c.Eta, 1 / c.Beta) + Noise(c, 0.002)));
        Assert.That(Get(flat, "C2").Verdict, Is.Not.EqualTo(Verdict.Consistent));
        Assert.That(Get(flat, "C7").Verdict, Is.Not.EqualTo(Verdict.Consistent));
    }

    [Test]
    public void C4_planted_timescales_give_both_slopes()
    {
        // t_learn = ||Z0|| / eta~ with eta~ = eta beta^2: at eta* = 1/beta, t = ||Z0|| / beta.
        var claims = Claims(ScanGrid(3), c => ScanRecords.Of(c, ScanRecords.Peaked(c.Eta, 1 / c.Beta) + Noise(c, 0.002),
            tLearn: 100 * (c.LogitScale ?? 1) / c.EtaTilde * (1 + Noise(c, 0.02))));
        Assert.That(Get(claims, "C4a").Value, Is.EqualTo(-1).Within(0.15));
        Assert.That(Get(claims, "C4a").Verdict, Is.EqualTo(Verdict.Consistent));
        Assert.That(Get(claims, "C4b").Value, Is.EqualTo(1).Within(0.05));
        Assert.That(Get(claims, "C4b").Verdict, Is.EqualTo(Verdict.Consistent));
    }

    [Test]
    public void C5_counts_divergences_at_eta_star_with_a_binomial_interval()
    {
        // At eta* (1 / beta), ||Z0|| = 30 diverges at beta < 1 only: 6 of 12 cells there, 0 of 12 above.
        var claims = Claims(ScanGrid(3), c => ScanRecords.Of(c, c.LogitScale >= 30 && c.Beta < 1 && c.Eta >= 0.5 / c.Beta ? double.NaN : ScanRecords.Peaked(c.Eta, 1 / c.Beta)));
        var c5 = Get(claims, "C5");
        Assert.That(c5.Value, Is.EqualTo(6.0 / 18).Within(1e-12), c5.Cells);
        Assert.That(c5.Cells, Does.Contain("at beta >= 1"));
        Assert.That(c5.Low, Is.GreaterThan(0), $"{c5.Value} [{c5.Low}, {c5.High}]: six of eighteen against none of eighteen");
        Assert.That(c5.Verdict, Is.EqualTo(Verdict.Consistent));
        // The same rate on both sides is no evidence either way at these counts: Newcombe's interval straddles 0.
        var even = Claims(ScanGrid(3), c => ScanRecords.Of(c, c.LogitScale >= 30 && c.Eta >= 0.5 / c.Beta ? double.NaN : ScanRecords.Peaked(c.Eta, 1 / c.Beta)));
        var e5 = Get(even, "C5");
        Assert.That(e5.Value, Is.EqualTo(0).Within(1e-12));
        Assert.That(e5.Low, Is.LessThan(0));
        Assert.That(e5.High, Is.GreaterThan(0));
        Assert.That(e5.Verdict, Is.EqualTo(Verdict.Inconclusive));
    }

    [Test]
    public void Rules_on_their_own()
    {
        Assert.That(VerdictRules.Difference(0.01, 0.05, 3), Is.EqualTo(Verdict.Consistent));
        Assert.That(VerdictRules.Difference(-0.05, 0, 3), Is.EqualTo(Verdict.Inconsistent));
        Assert.That(VerdictRules.Difference(-0.01, 0.05, 3), Is.EqualTo(Verdict.Inconclusive));
        Assert.That(VerdictRules.Difference(0.01, 0.05, 2), Is.EqualTo(Verdict.Inconclusive));
        Assert.That(VerdictRules.Slope(-1.2, -0.8, -1, 3, 4), Is.EqualTo(Verdict.Consistent));
        Assert.That(VerdictRules.Slope(-0.2, 0.2, -1, 3, 4), Is.EqualTo(Verdict.Inconsistent));
        Assert.That(VerdictRules.Slope(-2, 0.5, -1, 3, 4), Is.EqualTo(Verdict.Inconclusive));
        Assert.That(VerdictRules.Slope(-1.2, -0.8, -1, 3, 2), Is.EqualTo(Verdict.Inconclusive));
    }
}
