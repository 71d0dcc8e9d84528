using Repro.Harness;

using Repro.Training;

namespace Repro.Experiments.Tests;

/// <summary>logreg-synthetic: see experiments/Repro.Experiments/LogregSynthetic.cs.</summary>
public sealed class LogregSyntheticTests : ExperimentFixture<LogregSynthetic>
{
    protected override void CheckCell(Tier tier, RunRecord record)
    {
        Assert.That(record.Status, Is.EqualTo(RunStatus.Complete), "a linear model at these eta~ never diverges");
        // Learning happened: the loss fell and test accuracy is well above chance (1/4).
        var loss = record.Curves["train_loss"].Values;
        Assert.That(loss[^1], Is.LessThan(0.9 * loss[0]), "final train loss vs initial");
        Assert.That(record.Scalars["test_accuracy"], Is.GreaterThan(0.25 + 0.2), "test accuracy vs chance 0.25");
        // THEORY.md: dL/dt at step 0 = -eta ||grad||^2 < 0.
        Assert.That(record.Scalars["dloss_dt0"], Is.Negative);
    }

    /// <summary>
    /// The collapse of THEORY.md, exact for a linear model: at equal eta~ and ||Z0||, loss curves
    /// at different beta agree to float64 round-off, over the whole run.
    /// </summary>
    [TestCaseSource(nameof(SelectedTier))]
    public void RunsAtEqualEtaTildeAndZ0CoincideAcrossBeta(Tier tier)
    {
        var groups = EnsureGrid(tier)
            .GroupBy(r => (etaTilde: r.Point.EtaTilde, z0: r.Point.LogitScale!.Value, r.Seed))
            .Where(g => g.Count() > 1)
            .ToList();
        Assert.That(groups, Is.Not.Empty, "the grid has several betas at one eta~ and ||Z0||");
        foreach (var group in groups)
        {
            var reference = group.First().Curves["train_loss"].Values;
            foreach (var record in group.Skip(1))
            {
                var loss = record.Curves["train_loss"].Values;
                Assert.That(loss, Has.Count.EqualTo(reference.Count), record.Cell);
                double worst = loss.Zip(reference, (a, b) => Math.Abs(a - b) / Math.Abs(b)).Max();
                Assert.That(worst, Is.LessThan(1e-9), $"{record.Cell} vs {group.First().Cell}: largest relative loss difference");
            }
        }
    }
}
