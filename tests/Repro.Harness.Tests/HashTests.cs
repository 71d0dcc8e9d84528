using System.Globalization;
using System.Text.Json.Nodes;

namespace Repro.Harness.Tests;

[NonParallelizable]  // changes the current culture
public class HashTests
{
    [Test]
    public void KeyOrderAndNumberSpellingDoNotChangeTheHash()
    {
        var a = JsonNode.Parse("""{"b": 1, "a": {"y": [1.0, 2.5e-3], "x": "s"}, "c": 1e3}""");
        var b = JsonNode.Parse("""{"c": 1000, "a": {"x": "s", "y": [1, 0.0025]}, "b": 1.0}""");
        Assert.That(CanonicalJson.Serialize(a), Is.EqualTo("""{"a":{"x":"s","y":[1,0.0025]},"b":1,"c":1000}"""));
        Assert.That(CanonicalJson.Hash(a), Is.EqualTo(CanonicalJson.Hash(b)));
        Assert.That(CanonicalJson.Hash(a), Has.Length.EqualTo(64));
    }

    [Test]
    public void AnyChangedValueChangesTheHash()
    {
        var a = JsonNode.Parse("""{"steps": 100, "beta": 0.1}""");
        var b = JsonNode.Parse("""{"steps": 100, "beta": 0.10000000000000002}""");
        var c = JsonNode.Parse("""{"steps": "100", "beta": 0.1}""");
        Assert.That(CanonicalJson.Hash(a), Is.Not.EqualTo(CanonicalJson.Hash(b)));
        Assert.That(CanonicalJson.Hash(a), Is.Not.EqualTo(CanonicalJson.Hash(c)));
    }

    [Test]
    public void TheCurrentCultureDoesNotChangeACellsHashOrId()
    {
        var grid = new Grid { Betas = [0.1, 3e-5], LearningRates = LearningRates.EtaTilde(0.25), LogitScales = [1.5], Extra = [new Axis("drop", 0.3)] };
        var before = grid.Cells().Select(c => (c.Id, CanonicalJson.Hash(c.ToJson()))).ToList();

        // A culture that writes "0,1" and a non-ASCII minus, built by hand because this project
        // runs in invariant-globalization mode.
        var odd = (CultureInfo)CultureInfo.InvariantCulture.Clone();
        odd.NumberFormat.NumberDecimalSeparator = ",";
        odd.NumberFormat.NumberGroupSeparator = ".";
        odd.NumberFormat.NegativeSign = "\u2212";
        var saved = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = odd;
            Assert.That((0.1).ToString(), Is.EqualTo("0,1"), "the odd culture is in force");
            var after = grid.Cells().Select(c => (c.Id, CanonicalJson.Hash(c.ToJson()))).ToList();
            Assert.That(after, Is.EqualTo(before));
            Assert.That(after[1].Id, Does.StartWith("beta=3e-05_"));
        }
        finally
        {
            (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = saved;
        }
    }
}
