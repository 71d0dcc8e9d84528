using System.Text.Json.Nodes;

namespace Repro.Harness.Tests;

/// <summary>`--set name=value` on a tier's settings: nested names, kinds kept, clear errors.</summary>
public class SettingsOverridesTests
{
    static JsonObject Settings() => JsonNode.Parse("""
        {"dataset": "polarity", "hidden": 128, "embedding": null,
         "recipe": {"steps": 800, "momentum": 0.9, "augment": false, "milestones": [30, 60]}}
        """)!.AsObject();

    [Test]
    public void AssignmentsChangeNestedFieldsOfTheirOwnKindAndLeaveTheRest()
    {
        var original = Settings();
        var set = SettingsOverrides.Apply(original,
            ["recipe.steps=2000", "Hidden=256", "dataset=imdb", "recipe.augment=true", "recipe.milestones=10,20,30", "recipe.momentum=0", "embedding=64"]);
        Assert.That(set.ToJsonString(), Is.EqualTo("""
            {"dataset":"imdb","hidden":256,"embedding":64,"recipe":{"steps":2000,"momentum":0,"augment":true,"milestones":[10,20,30]}}
            """.Trim()));
        Assert.That(original["recipe"]!["steps"]!.GetValue<int>(), Is.EqualTo(800), "the defaults are not changed");
        Assert.That(SettingsOverrides.Apply(original, ["recipe.milestones=[]"])["recipe"]!["milestones"]!.AsArray(), Is.Empty);
    }

    [TestCase("recipe.stepz=5", "the settings under recipe have no 'stepz'", "there are: steps, momentum, augment, milestones")]
    [TestCase("hiden=5", "the settings have no 'hiden'", "there are: dataset, hidden, embedding, recipe")]
    [TestCase("recipe=5", "recipe: is a group of settings", "recipe.steps, recipe.momentum")]
    [TestCase("hidden.size=5", "'hidden' is a single value", "")]
    [TestCase("recipe.steps=many", "expected a number", "now 800")]
    [TestCase("recipe.steps=NaN", "expected a number", "now 800")]
    [TestCase("recipe.augment=yes", "expected true or false", "now false")]
    [TestCase("recipe.milestones=[1,", "is not valid JSON", "[1,")]
    [TestCase("recipe.milestones={\"a\":1}", "expected a list of numbers", "[30,60]")]
    [TestCase("recipe.milestones=a,b", "is not valid JSON", "[a,b]")]
    [TestCase("steps", "expected name=value", "recipe.steps=2000")]
    public void ABadAssignmentNamesItselfAndWhatIsAccepted(string assignment, string wrong, string accepted)
    {
        var e = Assert.Throws<ArgumentException>(() => SettingsOverrides.Apply(Settings(), [assignment]))!;
        Assert.That(e.Message, Does.StartWith("--set ").And.Contain(wrong).And.Contain(accepted));
    }
}
