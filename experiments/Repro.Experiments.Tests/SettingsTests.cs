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
}
