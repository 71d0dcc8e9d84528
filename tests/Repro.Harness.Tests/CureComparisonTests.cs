using Repro.Harness;

namespace Repro.Harness.Tests;

/// <summary>The cure comparison (CureScan): where its cells run, and its claims rows on planted records.</summary>
public class CureComparisonTests
{
    static readonly Grid Grid = new()
    {
        Betas = [0.1, 1, 10],
        LearningRates = LearningRates.Eta(0.5, 1, 2),
        LogitScales = [1.0],
        Seeds = [0, 1, 2],
        Scan = new EtaScan(Ratio: 2, MaxExtensions: 10, At: 1.0),
        Cures = new CureScan([new("smoothing", [0.05, 0.1]), new("noisy", [0.1, 0.3])]),
    };

    // Accuracy peaks at eta = 1 / beta and rises by 6 points a decade of beta (beta = 10 is best);
    // smoothing adds 0.5 or 1 point, noisy 8 points at 0.1 and loses 2 at 0.3.
    static readonly Dictionary<string, double> Effect = new() { ["smoothing0.05"] = 0.005, ["smoothing0.1"] = 0.01, ["noisy0.1"] = 0.08, ["noisy0.3"] = -0.02 };

    // Seed-dependent and the same on every run (string.GetHashCode is not: it is randomized per process).
    static double Noise(Cell c) => 0.002 * (new Random(c.Id.Aggregate(17, (h, ch) => unchecked(h * 31 + ch)) & int.MaxValue).NextDouble() - 0.5);

    static RunRecord Outcome(Cell c)
    {
        string? cure = c.Extra.Where(kv => kv.Key == CureScan.Axis).Select(kv => (string)kv.Value).FirstOrDefault();
        return ScanRecords.Of(c, ScanRecords.Peaked(c.Eta, 1 / c.Beta) + 0.06 * Math.Log10(c.Beta) + (cure is null ? 0 : Effect[cure]) + Noise(c));
    }

    [Test]
    public void TheCuresRunAtBetaOneAndTheBestBetaEachAtItsEtaStarOnceTheScanIsDone()
    {
        var records = ScanRecords.Run(Grid, Outcome);
        var cures = records.Where(r => r.Cell.Contains("_cure=", StringComparison.Ordinal)).Select(r => r.Point).ToList();
        // 2 betas x 4 cure values x 3 seeds, after every scan cell.
        Assert.That(cures, Has.Count.EqualTo(24));
        Assert.That(records.TakeWhile(r => !r.Cell.Contains("_cure=", StringComparison.Ordinal)).Count(), Is.EqualTo(records.Count - 24), "the cures come last");
        Assert.That(cures.Select(c => c.Beta).Distinct().Order(), Is.EqualTo(new[] { 1.0, 10 }));
        Assert.That(cures.Where(c => c.Beta == 1).Select(c => c.Eta).Distinct(), Is.EqualTo(new[] { 1.0 }), "beta = 1's eta*");
        Assert.That(cures.Where(c => c.Beta == 10).Select(c => c.Eta).Distinct(), Is.EqualTo(new[] { 0.125 }), "beta = 10's eta* on the x2 lattice");
        Assert.That(cures.Select(c => c.Get<string>(CureScan.Axis)).Distinct().Order(StringComparer.Ordinal),
            Is.EqualTo(new[] { "noisy0.1", "noisy0.3", "smoothing0.05", "smoothing0.1" }));
        Assert.That(records.Select(r => r.Cell), Is.SubsetOf(Grid.Candidates().Select(c => c.Id)), "every cell run is a candidate");
        Assert.That(GridRun.RoundName(4, cures), Is.EqualTo("cure comparison"), "the progress line of the cures' round");
        Assert.That(GridRun.RoundName(2, records.Take(3).Select(r => r.Point).ToList()), Is.EqualTo("eta scan round 2"));
        Assert.That(CureScan.Parse("smoothing0.05"), Is.EqualTo(("smoothing", 0.05)));
        Assert.That(() => CureScan.Parse("noisy"), Throws.InstanceOf<FormatException>().With.Message.Contains("noisy0.1"));
    }

    [Test]
    public void TheRowsCompareTunedBetaWithEachCureAndTheirComposition()
    {
        var records = ScanRecords.Run(Grid, Outcome);
        var (variant, table) = ClaimsTable.Variants(records).Single();
        Assert.That(variant, Is.Empty, "cure cells belong to their slice's variant");
        var claims = table.Claims();
        Assert.That(claims.Select(c => c.Id), Is.EqualTo(new[] { "C1", "C2", "C3", "C4a", "C4b", "C5", "C6", "C7", "C8-noisy", "C8-smoothing", "C9a", "C9b", "C10" }));
        Claim Get(string id) => claims.Single(c => c.Id == id);
        // beta = 10 at its eta* (0.125): 0.9 - 0.05 log2(1.25) + 0.06 = 0.944; beta = 1 at eta* = 1: 0.9.
        double tuned = 0.9 - 0.05 * Math.Log2(1.25) + 0.06;
        Assert.That(Get("C8-smoothing").Value, Is.EqualTo(tuned - 0.91).Within(0.003), "smoothing's best knob by validation is 0.1");
        Assert.That(Get("C8-smoothing").Verdict, Is.EqualTo(Verdict.Consistent), Get("C8-smoothing").Cells);
        Assert.That(Get("C8-noisy").Value, Is.EqualTo(tuned - 0.98).Within(0.003));
        Assert.That(Get("C8-noisy").Verdict, Is.EqualTo(Verdict.Inconsistent), "noisy at beta = 1 beats tuned beta");
        Assert.That(Get("C9a").Value, Is.EqualTo(0.08).Within(0.003), "noisy0.1 at beta = 10 over beta = 10 alone");
        Assert.That(Get("C9a").Verdict, Is.EqualTo(Verdict.Consistent));
        Assert.That(Get("C9b").Value, Is.EqualTo(tuned + 0.08 - 0.98).Within(0.003), "beta = 10 with noisy0.1 over beta = 1 with noisy0.1");
        Assert.That(Get("C9b").Verdict, Is.EqualTo(Verdict.Consistent));
        Assert.That(Get("C7").Value, Is.EqualTo(tuned - 0.9).Within(0.003), "C7 reads the grid's own cells only");
        Assert.That(Get("C9a").Cells, Does.Contain("best beta 10 with noisy0.1"));
        Assert.That(Get("C10").Verdict, Is.EqualTo(Verdict.Inconclusive), "no run records t_saturate");
        Assert.That(Get("C10").Cells, Does.StartWith("t_saturate measured (at least one step) in 0 of"));
    }

    /// <summary>Runs saturate at 1000 x their accuracy (later is better), except where
    /// <paramref name="censor"/> gives a censoring and its bound, or <paramref name="time"/> a time.</summary>
    static Claim C10(Func<Cell, (int Censoring, double Bound)?> censor, Func<Cell, RunRecord, double?>? time = null)
    {
        RunRecord Saturating(Cell c)
        {
            var r = Outcome(c);
            if (censor(c) is { } censored)
            {
                r.Scalars["t_saturate"] = double.NaN;
                r.Scalars["t_saturate_censored"] = censored.Censoring;
                r.Scalars["t_saturate_bound"] = censored.Bound;
            }
            else
            {
                r.Scalars["t_saturate"] = time?.Invoke(c, r) ?? 1000 * r.Scalars["final_test_accuracy"];
                r.Scalars["t_saturate_censored"] = 0;
            }
            return r;
        }
        return ClaimsTable.Variants(ScanRecords.Run(Grid, Saturating)).Single().Table.Claims().Single(c => c.Id == "C10");
    }

    [Test]
    public void SaturationTimeAgainstAccuracyIsARankCorrelationOverTheRunsCensoredOnesIncluded()
    {
        // The most accurate runs (noisy0.1 at beta = 10) never saturate within the run (bound 2,000,
        // after every measured time), the least accurate (beta = 0.1 at eta*) already had by the
        // first probe: ranked after and before the measured runs, the order stays perfect but for the
        // ties within those two groups of 3. Over 33 ranks (sum of squares 33 (33^2 - 1) / 12 = 2992)
        // a tie of 3 loses 2 of it in both sums: rho = sqrt(1 - 4 / 2992) = 0.99933.
        var c10 = C10(c => CureScan.Of(c) == "noisy0.1" && c.Beta == 10 ? (1, 2000) : c.Beta == 0.1 ? (-1, 0) : null);
        Assert.That(c10.Value, Is.EqualTo(Math.Sqrt(1 - 4.0 / 2992)).Within(1e-12), c10.Cells);
        Assert.That(c10.Verdict, Is.EqualTo(Verdict.Consistent));
        // 9 runs at eta* (3 betas x 3 seeds) and 24 cure runs.
        Assert.That(c10.Cells, Does.StartWith("t_saturate measured (at least one step) in 27 of 33 runs; 3 never reached ln K / 2 (ranked after every measured run), " +
            "3 had by the first probe or within the first update (ranked before; 0 of them within the first update)"));

        // The same least accurate runs crossing ln K / 2 within the first update instead, at
        // interpolated times that run against their accuracy: a crossing under one step is a bound,
        // so they rank tied before the measured runs, as if saturated by the first probe (ranked by
        // those times instead, the three would reverse their accuracy order and rho would be lower).
        var firstUpdate = C10(c => CureScan.Of(c) == "noisy0.1" && c.Beta == 10 ? (1, 2000) : null,
            (c, r) => c.Beta == 0.1 && CureScan.Of(c) is null ? 1 - r.Scalars["final_test_accuracy"] : null);
        Assert.That(firstUpdate.Value, Is.EqualTo(c10.Value).Within(1e-12), firstUpdate.Cells);
        Assert.That(firstUpdate.Cells, Does.StartWith("t_saturate measured (at least one step) in 27 of 33 runs; 3 never reached ln K / 2 (ranked after every measured run), " +
            "3 had by the first probe or within the first update (ranked before; 3 of them within the first update)"));

        // The least accurate runs never saturating instead: counted, they break the order (left out,
        // as before, the measured runs alone would still correlate perfectly).
        var late = C10(c => c.Beta == 0.1 ? (1, 2000) : null);
        Assert.That(late.Value, Is.LessThan(0.9), late.Cells);
        Assert.That(late.Cells, Does.Contain("3 never reached ln K / 2"));

        // A run censored at step 500, inside the measured times (~840-980), has no known order.
        var inside = C10(c => CureScan.Of(c) == "smoothing0.05" && c.Seed == 0 && c.Beta == 1 ? (1, 500) : null);
        Assert.That(inside.Value, Is.EqualTo(1).Within(1e-12), inside.Cells);
        Assert.That(inside.Cells, Does.Contain("; 1 censored at a step inside the measured times, so of unknown order, left out"));
    }

    [Test]
    public void AGridWithoutCuresHasNoCureRows()
    {
        var plain = new Grid { Betas = Grid.Betas, LearningRates = Grid.LearningRates, LogitScales = Grid.LogitScales, Seeds = Grid.Seeds, Scan = Grid.Scan };
        var claims = ClaimsTable.Variants(ScanRecords.Run(plain, Outcome)).Single().Table.Claims();
        Assert.That(claims.Select(c => c.Id), Is.EqualTo(new[] { "C1", "C2", "C3", "C4a", "C4b", "C5", "C6", "C7" }), "C8-C10 are the comparison's");
        Assert.That(() => new Grid { Betas = [1], LearningRates = LearningRates.Eta(1), Cures = Grid.Cures }.Cells(),
            Throws.ArgumentException.With.Message.Contains("needs an eta scan"));
    }
}
