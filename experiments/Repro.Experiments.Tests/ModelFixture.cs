using Repro.Dynamics;
using Repro.Harness;

using Repro.Training;

namespace Repro.Experiments.Tests;

/// <summary>
/// The checks shared by the model experiments (WRN, ResNet-50, GRU): every cell ends complete or
/// diverged (a failure fails its test), THEORY.md's initial quantities are sane, and across the
/// grid the paper's claims are measured, printed and pinned; in the Short tier every beta learns at
/// the learning rate its scan selected: mean test accuracy above chance by <see cref="Margin"/>.
/// </summary>
public abstract class ModelFixture<TExperiment> : ExperimentFixture<TExperiment> where TExperiment : IExperiment, new()
{
    /// <summary>Chance accuracy of the tier's data (1 / classes).</summary>
    protected abstract double Chance(Tier tier);

    /// <summary>How far above chance a Short beta's test accuracy at its eta* must be.</summary>
    protected abstract double Margin { get; }

    protected override void CheckCell(Tier tier, RunRecord record)
    {
        var q = record.Scalars;
        Assert.That(q["loss0"], Is.Positive.And.LessThan(double.PositiveInfinity), "loss0");
        Assert.That(q["z0_norm"], Is.Positive.And.LessThan(double.PositiveInfinity), "||Z0||");
        Assert.That(q["dloss_dt0"], Is.Negative, "THEORY.md: dL/dt at step 0 = -eta ||grad L||^2");
        if (record.Point.LogitScale is { } target)
            Assert.That(q["z0_norm"], Is.EqualTo(target).Within(1e-4).Percent, "||Z0|| reached by rescaling the logit layer");
        CheckTimescales(record);
        if (record.Status == RunStatus.Diverged) return;
        // Calibration: a post-hoc temperature changes confidences, never predictions.
        Assert.That(q["test_ece"], Is.InRange(0.0, 1.0), "ECE");
        Assert.That(q["test_ece_t_star"], Is.InRange(0.0, 1.0), "ECE at T*");
        Assert.That(q["t_star"], Is.Positive.And.LessThan(double.PositiveInfinity), "T*");
        Assert.That(q["peak_test_accuracy"], Is.GreaterThanOrEqualTo(q["final_test_accuracy"]), "peak test accuracy");
    }

    /// <summary>
    /// THEORY.md's timescales are measured, never extrapolated: each is interpolated between two
    /// consecutive probes whose values bracket its level, or flagged censored with the probe step
    /// that bounds it; a diverged cell has none.
    /// </summary>
    static void CheckTimescales(RunRecord record)
    {
        foreach (var (name, curve, level) in new[] { ("t_learn", ProbeLog.R, ProbeLog.LearnedLevel), ("t_nl_ntk", ProbeLog.NtkChange, ProbeLog.NonlinearLevel) })
        {
            if (!record.Curves.TryGetValue(curve, out var c)) continue;
            if (record.Status == RunStatus.Diverged)
            {
                Assert.That(record.Scalars, Does.Not.ContainKey(name), $"{name}: a diverged cell has none");
                continue;
            }
            var censoring = (Censoring)(int)record.Scalars[$"{name}_censored"];
            if (censoring != Censoring.None)
            {
                Assert.That(record.Scalars[name], Is.NaN, $"{name} is censored: a bound, not a value");
                Assert.That(record.Scalars[$"{name}_bound"], Is.EqualTo(censoring == Censoring.Left ? c.Steps[0] : c.Steps[^1]), $"{name}'s bound is a probe step");
                continue;
            }
            double t = record.Scalars[name];
            int above = c.Steps.FindIndex(s => s >= t);
            Assert.That(above, Is.GreaterThan(0), $"{name} = {t} lies after the first probe");
            if (c.Steps[above] == t && c.Values[above] == level) continue;  // exactly at a probe
            Assert.That(c.Values[above - 1], Is.LessThan(level), $"{name} = {t}: the probe before it, step {c.Steps[above - 1]}, is below {level}");
            Assert.That(c.Values[above], Is.GreaterThanOrEqualTo(level), $"{name} = {t}: the probe after it, step {c.Steps[above]}, reached {level}");
            Assert.That(c.Values.Take(above - 1), Has.All.LessThan(level), $"{name} is the first crossing");
        }
    }

    /// <summary>
    /// The paper's claims C1-C7 (README "The claims as verdicts") measured over the tier's whole grid,
    /// eta scan included, per value of the extra axes: each with its value, bootstrap interval over
    /// seeds and verdict, printed and pinned in the tier's summary golden with the table itself. The
    /// verdicts are measurements, not assertions: what is asserted is that some beta learned and that
    /// every cell the scan added passed the checks every cell gets.
    /// </summary>
    [TestCaseSource(nameof(SelectedTier))]
    public void ClaimsAtThisScale(Tier tier)
    {
        var failures = new List<string>();
        var records = EnsureGrid(tier, failures);
        var quantities = new List<Quantity>();
        var rows = new List<(string Variant, Claim Claim)>();
        foreach (var (variant, table) in ClaimsTable.Variants(records))
        {
            string at = variant.Length > 0 ? $"@{variant}" : "";
            var claims = table.Claims();
            rows.AddRange(claims.Select(c => (variant, c)));
            quantities.AddRange(ClaimsFormat.Quantities(variant, claims));
            var mine = records.Where(r => ClaimCell.From(r).Variant == variant).ToList();
            Assert.That(mine.Any(r => r.Status == RunStatus.Complete), $"some cell trained without diverging{at}");
            foreach (var o in table.Optima.Values)
            {
                string beta = Axis.FormatNumber(o.Beta);
                double accuracy = table.TestAccuracyAtOptimum(o.Beta);
                quantities.Add(new($"eta_star@beta={beta}{at}", o.Eta, new Tolerance(1e-9, 0)));
                quantities.Add(new($"eta_star_censored@beta={beta}{at}", (int)o.Censoring, new Tolerance(0, 0)));
                quantities.Add(new($"accuracy_at_eta_star@beta={beta}{at}", accuracy, new Tolerance(1e-6, 1e-9)));
                // A scan runs rates where nothing is learned on purpose (that is how it brackets the
                // optimum); what must learn is each beta at the rate the scan selected.
                if (tier == Tier.Short && !(accuracy > Chance(tier) + Margin))
                    failures.Add($"beta={beta}{at} does not learn at its eta* = {o.Eta:G4}: mean test accuracy {accuracy:F3} vs chance {Chance(tier):F3} + margin {Margin}");
            }
            quantities.Add(new($"cells{at}", mine.Count, new Tolerance(0, 0)));
            quantities.Add(new($"diverged_cells{at}", mine.Count(r => r.Status == RunStatus.Diverged), new Tolerance(0, 0)));
        }
        TestContext.Out.WriteLine(ClaimsFormat.Text($"{Experiment.Name} {tier.Name}: the paper's claims at this scale ({records.Count} cells)", rows));
        CheckSummary(tier, records, quantities, ClaimsFormat.Json(rows));
        if (failures.Count > 0) Assert.Fail($"{failures.Count} checks failed across the grid:\n" + string.Join("\n", failures));
    }
}

/// <summary>wrn-cifar10: see experiments/Repro.Experiments/WrnCifar10.cs.</summary>
public sealed class WrnCifar10Tests : ModelFixture<WrnCifar10>
{
    protected override double Chance(Tier tier) => 0.1;
    // 1.5 epochs: with batch norm every cell reaches 0.39-0.81, but the no-BN (SkipInit) cells at
    // beta = 10 are still early in learning (0.27-0.43 measured); 0.25 still fails a cell that
    // does not learn, whose accuracy stays near 0.1.
    protected override double Margin => 0.15;
}

/// <summary>resnet50-imagenet: see experiments/Repro.Experiments/ResNet50ImageNet.cs. Short: three
/// photographs, one per class; learning means telling them apart from a center crop.</summary>
public sealed class ResNet50ImageNetTests : ModelFixture<ResNet50ImageNet>
{
    protected override double Chance(Tier tier) => tier == Tier.Smoke ? 0.1 : 1.0 / 3;
    protected override double Margin => 0.3;
}

/// <summary>gru-imdb: see experiments/Repro.Experiments/GruImdb.cs.</summary>
public sealed class GruImdbTests : ModelFixture<GruImdb>
{
    protected override double Chance(Tier tier) => 0.5;
    // Three standard errors of a chance classifier's accuracy on the 800 test sentences (0.018).
    protected override double Margin => 0.05;
}
