using System.Globalization;
using System.Text.Json;
using Repro.Harness;

namespace Repro.Experiments.Tests;

/// <summary>Every experiment's settings survive `--set` (serialized, changed, read back into the
/// settings record): a no-op assignment keeps the configuration's hash, so no field is lost on the
/// way; a real one changes that field and nothing else; the catalog's instance keeps its defaults.</summary>
public class SettingsTests
{
    static IEnumerable<TestCaseData> Cases() =>
        from e in Catalog.All from t in Tier.All select new TestCaseData(e.Name, t.Name).SetName($"{e.Name}/{t.Name}");

    [TestCaseSource(nameof(Cases))]
    public void SetChangesOneFieldAndKeepsTheRest(string name, string tierName)
    {
        var (experiment, tier) = (Catalog.Find(name), Tier.Parse(tierName, "test"));
        var cell = experiment.Grid(tier).Cells().First();
        var defaults = experiment.Config(tier, cell);
        var (key, value) = defaults["settings"]!.AsObject().First(p => p.Value?.GetValueKind() == JsonValueKind.Number);

        var same = experiment.WithSettings([$"{key}={value!.ToJsonString()}"], tier).Config(tier, cell);
        Assert.That(CanonicalJson.Hash(same), Is.EqualTo(CanonicalJson.Hash(defaults)), same.ToJsonString());

        double changedValue = value.GetValue<double>() + 1;
        var changed = experiment.WithSettings([$"{key}={changedValue.ToString(CultureInfo.InvariantCulture)}"], tier).Config(tier, cell);
        Assert.That(changed["settings"]![key]!.GetValue<double>(), Is.EqualTo(changedValue));
        changed["settings"]!.AsObject()[key] = value.DeepClone();
        Assert.That(CanonicalJson.Hash(changed), Is.EqualTo(CanonicalJson.Hash(defaults)), "only that field changed");
        Assert.That(experiment.Overrides, Is.Empty);
    }

    /// <summary>Datasets, schedules, devices and weight-decay scalings are closed sets: a value outside
    /// them stops at `--set` time with the setting and the accepted values, before any cell.</summary>
    [TestCase("wrn-cifar10", "recipe.schedule=linear", "one of constant, cosine, step")]
    [TestCase("wrn-cifar10", "recipe.device=tpu", "one of cpu, cuda")]
    [TestCase("gru-imdb", "dataset=sst2", "one of synthetic, polarity, imdb")]
    [TestCase("resnet50-imagenet", "recipe.weightDecayScaling=quadratic", "one of fixed, off, beta2")]
    [TestCase("wrn-cifar10", "recipe.steps=1.5", "a whole number")]
    public void AValueOutsideTheSettingsKnownSetNamesTheAcceptedOnes(string name, string assignment, string accepted)
    {
        var e = Assert.Throws<ArgumentException>(() => Catalog.Find(name).WithSettings([assignment], Tier.Smoke));
        string setting = assignment.Split('=')[0];
        Assert.That(e!.Message, Does.Contain($"--set {assignment}").And.Contain($"'{setting}'").And.Contain(accepted));
    }

    /// <summary>Impossible settings stop when the settings are made, naming the setting, its value
    /// and what is allowed: no record of any status is written for them.</summary>
    [TestCase("logreg-synthetic", "steps=-5", "steps = -5: must be > 0")]
    [TestCase("logreg-synthetic", "examples=0", "examples = 0: must be > 0")]
    [TestCase("logreg-synthetic", "testExamples=0", "testExamples = 0: must be > 0")]
    [TestCase("logreg-synthetic", "logEvery=0", "logEvery = 0: must be > 0")]
    [TestCase("wrn-cifar10", "recipe.batchSize=0", "recipe.batchSize = 0: must be > 0")]
    [TestCase("wrn-cifar10", "depth=12", "depth = 12: must be 6n + 4")]
    [TestCase("gru-imdb", "recipe.ntkExamples=999", "recipe.ntkExamples = 999: the kernel is measured on probe examples")]
    [TestCase("resnet50-imagenet", "evalResize=32", "evalResize = 32: must be >= crop = 64")]
    [TestCase("wrn-cifar10", "recipe.cure.labelSmoothing=1", "recipe.cure.labelSmoothing = 1: must be in [0, 1)")]
    [TestCase("gru-imdb", "recipe.cure.noisyAnneal=0", "recipe.cure.noisyAnneal = 0: must be a fraction of the run in (0, 1]")]
    [TestCase("wrn-cifar10", "recipe.cure.dropoutPhase=early", "recipe.cure.dropoutPhase = early: switches the model's dropout on and off, which is 0 here: set dropout too")]
    [TestCase("resnet50-imagenet", "recipe.cure.dropoutPhase=late", "recipe.cure.dropoutPhase = late: switches the model's dropout, and resnet50-imagenet's model has none")]
    public void AnImpossibleSettingStopsBeforeAnyCell(string name, string assignment, string problem)
    {
        var e = Assert.Throws<ArgumentException>(() => Catalog.Find(name).WithSettings([assignment], Tier.Smoke));
        Assert.That(e!.Message, Does.StartWith($"--set {assignment}: {name}'s smoke settings: ").And.Contain(problem));
    }

    /// <summary>A cure is written into the configuration only when one is on: the default
    /// configurations (and every golden's hash) are those from before cures existed.</summary>
    [Test]
    public void ACureIsInTheConfigurationOnlyWhenOn()
    {
        var wrn = Catalog.Find("wrn-cifar10");
        var cell = wrn.Grid(Tier.Short).Cells().First();
        var defaults = wrn.Config(Tier.Short, cell);
        Assert.That(defaults["settings"]!["recipe"]!.AsObject().ContainsKey("cure"), Is.False, defaults.ToJsonString());

        var noisy = wrn.WithSettings(["recipe.cure.noisyAlpha=0.1"], Tier.Short).Config(Tier.Short, cell);
        var cure = noisy["settings"]!["recipe"]!["cure"]!;
        Assert.That(cure["noisyAlpha"]!.GetValue<double>(), Is.EqualTo(0.1));
        Assert.That(cure["noisyAnneal"]!.GetValue<double>(), Is.EqualTo(1), "the whole group, defaults included, once one field is set");
        Assert.That(CanonicalJson.Hash(noisy), Is.Not.EqualTo(CanonicalJson.Hash(defaults)));

        var early = wrn.WithSettings(["dropout=0.1", "recipe.cure.dropoutPhase=early"], Tier.Short).Config(Tier.Short, cell);
        Assert.That(early["settings"]!["recipe"]!["cure"]!["dropoutPhase"]!.GetValue<string>(), Is.EqualTo("early"));
        var off = wrn.WithSettings(["recipe.cure.noisyAlpha=0"], Tier.Short).Config(Tier.Short, cell);
        Assert.That(CanonicalJson.Hash(off), Is.EqualTo(CanonicalJson.Hash(defaults)), "a cure set to off is no cure");
    }

    /// <summary>A cure comparison's cell runs with its cure, and its configuration says so.</summary>
    [Test]
    public void ACureCellsConfigurationHoldsTheSettingsItRunsWith()
    {
        var wrn = Catalog.Find("wrn-cifar10");
        var grid = wrn.Grid(Tier.Short);
        var candidates = grid.Candidates();
        var early = candidates.First(c => c.Id.Contains("_cure=early0.1_", StringComparison.Ordinal) && c.Beta == 1);
        var settings = wrn.Config(Tier.Short, early)["settings"]!;
        Assert.That(settings["dropout"]!.GetValue<double>(), Is.EqualTo(0.1), "early dropout's knob is the model's rate");
        Assert.That(settings["recipe"]!["cure"]!["dropoutPhase"]!.GetValue<string>(), Is.EqualTo("early"));
        Assert.That(settings["recipe"]!["ntkExamples"]!.GetValue<int>(), Is.Zero, "no kernel in the comparison");
        var noisy = candidates.First(c => c.Id.Contains("_cure=noisy0.3_", StringComparison.Ordinal));
        Assert.That(wrn.Config(Tier.Short, noisy)["settings"]!["recipe"]!["cure"]!["noisyAlpha"]!.GetValue<double>(), Is.EqualTo(0.3));
        var plain = grid.Cells()[0];
        Assert.That(wrn.Config(Tier.Short, plain)["settings"]!["recipe"]!.AsObject().ContainsKey("cure"), Is.False);
        Assert.That(Catalog.Find("wrn-cifar10").Grid(Tier.Smoke).Cures, Is.Null, "the smoke tier runs no comparison");
    }

    [Test]
    public void MilestonesThatFallOnTheSameStepNameTheSettingsThatMadeThem()
    {
        var e = Assert.Throws<ArgumentException>(() => Catalog.Find("wrn-cifar10").WithSettings(["recipe.steps=2"], Tier.Full));
        Assert.That(e!.Message, Does.Contain("recipe.milestones = [0.3, 0.6, 0.8] of recipe.steps = 2 fall on steps [1, 1, 2]"));
    }

    /// <summary>The typed cell a record carries is the cell that ran: read back from the record's
    /// configuration it has the grid cell's id and values.</summary>
    [TestCaseSource(nameof(Cases))]
    public void TheConfigurationsCellReadsBackAsTheGridCell(string name, string tierName)
    {
        var (experiment, tier) = (Catalog.Find(name), Tier.Parse(tierName, "test"));
        foreach (var cell in experiment.Grid(tier).Candidates().Take(50))
        {
            var back = Cell.FromJson(experiment.Config(tier, cell)["cell"]!.AsObject(), "test");
            Assert.That((back.Id, back.Beta, back.Eta, back.EtaTilde, back.LogitScale, back.Seed, back.Variant()),
                Is.EqualTo((cell.Id, cell.Beta, cell.Eta, cell.EtaTilde, cell.LogitScale, cell.Seed, cell.Variant())));
            Assert.That(Cell.FromId(cell.Id)?.Id, Is.EqualTo(cell.Id), "the id reads back too");
        }
    }
}
