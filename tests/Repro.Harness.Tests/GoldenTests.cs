using System.Text.Json.Nodes;

using Repro.Training;

namespace Repro.Harness.Tests;

public class GoldenTests
{
    static readonly Tolerance Tol = new(Rtol: 1e-3, Atol: 1e-6);

    static RunRecord Record(string hashSeed = "a", int steps = 10) => new()
    {
        Experiment = "toy",
        Tier = Tier.Smoke,
        Cell = "beta=1_etat=0.1_z0=1_seed=0",
        ConfigHash = CanonicalJson.Hash(new JsonObject { ["steps"] = steps, ["x"] = hashSeed }),
        Config = new JsonObject { ["steps"] = steps, ["x"] = hashSeed },
        Seed = 0,
        CodeFingerprint = "test",
        Environment = null!,
        StartedAt = default,
        EndedAt = default,
        Status = RunStatus.Complete,
    };

    static GoldenQuantity Q(string name, double value) => new(name, value, Tol);

    [Test]
    public void InsideToleranceIsAtolPlusRtolTimesExpected()
    {
        Assert.That(Tol.Accepts(100, 100.1), Is.True);           // allowed 0.100001
        Assert.That(Tol.Accepts(100, 100.1001), Is.False);
        Assert.That(Tol.Accepts(0, 9e-7), Is.True);              // atol alone near zero
        Assert.That(Tol.Accepts(0, 2e-6), Is.False);
    }

    [Test]
    public void NaNMatchesOnlyNaNAndInfinityOnlyItself()
    {
        Assert.That(Tol.Accepts(double.NaN, double.NaN), Is.True);
        Assert.That(Tol.Accepts(double.NaN, 1), Is.False);
        Assert.That(Tol.Accepts(1, double.NaN), Is.False);
        Assert.That(Tol.Accepts(double.PositiveInfinity, double.PositiveInfinity), Is.True);
        Assert.That(Tol.Accepts(double.PositiveInfinity, double.NegativeInfinity), Is.False);
        Assert.That(Tol.Accepts(1e300, double.PositiveInfinity), Is.False);
    }

    [Test]
    public void MissingAndExtraQuantitiesFail()
    {
        var c = new GoldenComparison([Q("a", 1), Q("b", 2)], [Q("a", 1), Q("c", 3)]);
        Assert.That(c.Passed, Is.False);
        Assert.That(c.Rows.Select(r => (r.Quantity, r.Verdict)), Is.EqualTo(new[] { ("a", "ok"), ("b", "missing"), ("c", "extra") }));
        Assert.That(new GoldenComparison([Q("a", 1)], [Q("a", 1.0005)]).Passed, Is.True);
    }

    [Test]
    public void TableShowsExpectedActualAllowedAndRelativeDifference()
    {
        string table = new GoldenComparison([Q("loss0", 2), Q("acc", 0.5)], [Q("loss0", 2.5), Q("acc", 0.5)]).Table();
        Assert.That(table, Does.Contain("quantity").And.Contain("expected").And.Contain("allowed").And.Contain("rel. diff"));
        var loss = table.Split('\n').Single(l => l.StartsWith("loss0"));
        Assert.That(loss.Split(' ', StringSplitOptions.RemoveEmptyEntries), Is.EqualTo(new[] { "loss0", "2", "2.5", "0.002001", "0.25", "MOVED" }));
    }

    [Test]
    public void RoundTripsNaNAndInfinities()
    {
        var file = new GoldenFile
        {
            Experiment = "toy", Tier = "smoke", Cell = "c", ConfigHash = "h", Config = new JsonObject { ["k"] = 1 },
            Quantities = [Q("nan", double.NaN), Q("inf", double.PositiveInfinity), Q("ninf", double.NegativeInfinity), Q("x", 0.1)],
        };
        string json = file.ToJson();
        Assert.That(json, Does.Contain("\"NaN\"").And.Not.Contain("\r"));
        var back = GoldenFile.Parse(json, "test");
        Assert.That(back.Quantities.Select(q => q.Value), Is.EqualTo(new[] { double.NaN, double.PositiveInfinity, double.NegativeInfinity, 0.1 }));
        Assert.That(back.Quantities[3].Tolerance, Is.EqualTo(Tol));
    }

    [Test]
    public void MalformedJsonNamesTheFileAndPosition()
    {
        string text = "{\n  \"experiment\": \"toy\",\n  \"quantities\": { \"a\": { \"value\": 1,, } }\n}";
        var e = Assert.Throws<FormatException>(() => GoldenFile.Parse(text, "golden/toy/smoke/c.verified.json"));
        Assert.That(e!.Message, Does.StartWith("golden/toy/smoke/c.verified.json: invalid JSON at line 3, byte"));
    }

    [TestCase("""{"experiment":"t","tier":"smoke","cell":"c","configHash":"h","config":{},"quantities":{"a":{"rtol":0,"atol":0}}}""", "quantity 'a' has no 'value'")]
    [TestCase("""{"experiment":"t","tier":"smoke","cell":"c","configHash":"h","config":{},"quantities":{"a":{"value":"x","rtol":0,"atol":0}}}""", "'value' is \"x\", not a number")]
    [TestCase("""{"experiment":"t","tier":"smoke","cell":"c","configHash":"h","config":{},"quantities":{"a":{"value":1,"rtol":-1,"atol":0}}}""", "rtol and atol must be >= 0")]
    [TestCase("""{"tier":"smoke","cell":"c","configHash":"h","config":{},"quantities":{}}""", "field 'experiment' is missing")]
    [TestCase("""[1, 2]""", "must be a JSON object")]
    // Found by the fuzzer (tests/Repro.Fuzz.Tests): these escaped as ArgumentException and InvalidOperationException.
    [TestCase("""{"experiment":"t","tier":"smoke","cell":"c","configHash":"h","config":{},"quantities":{"a":{"value":1,"value":2,"rtol":0,"atol":0}}}""", "invalid JSON")]
    [TestCase("""{"experiment":"t\ud800","tier":"smoke","cell":"c","configHash":"h","config":{},"quantities":{}}""", "not text")]
    public void SchemaErrorsNameTheFileAndField(string text, string expected)
    {
        var e = Assert.Throws<FormatException>(() => GoldenFile.Parse(text, "g.verified.json"));
        Assert.That(e!.Message, Does.StartWith("g.verified.json: ").And.Contain(expected));
    }

    [Test]
    public void MissingGoldenFailsWithTheCommandThatCreatesItAndWritesReceived()
    {
        using var dir = new TempDirectory();
        var store = new GoldenStore(dir.Path);
        var record = Record();
        var outcome = store.Check(record, [Q("loss0", 1)], accept: false);
        Assert.That(outcome.Passed, Is.False);
        Assert.That(outcome.Message, Does.Contain("no snapshot").And.Contain(GoldenStore.AcceptCommand).And.Contain("REPRO_ACCEPT=1"));
        Assert.That(File.Exists(store.ReceivedPath("toy", Tier.Smoke, record.Cell)), Is.True);
        Assert.That(File.Exists(store.VerifiedPath("toy", Tier.Smoke, record.Cell)), Is.False);

        Assert.That(store.AcceptAll(), Has.Count.EqualTo(1));
        Assert.That(store.Check(record, [Q("loss0", 1)], accept: false).Passed, Is.True);
    }

    [Test]
    public void MovedQuantityFailsWithTableAndAcceptMakesItPass()
    {
        using var dir = new TempDirectory();
        var store = new GoldenStore(dir.Path);
        var record = Record();
        Assert.That(store.Check(record, [Q("loss0", 1), Q("acc", 0.5)], accept: true).Passed, Is.True);

        var moved = store.Check(record, [Q("loss0", 1.1), Q("acc", 0.5)], accept: false);
        Assert.That(moved.Passed, Is.False);
        Assert.That(moved.Message, Does.Contain("1 of 2 quantities moved").And.Contain("MOVED").And.Contain(GoldenStore.AcceptCommand));
        string received = store.ReceivedPath("toy", Tier.Smoke, record.Cell);
        Assert.That(GoldenFile.Read(received).Quantities[0].Value, Is.EqualTo(1.1));

        store.AcceptAll();
        Assert.That(File.Exists(received), Is.False);
        Assert.That(store.Check(record, [Q("loss0", 1.1), Q("acc", 0.5)], accept: false).Passed, Is.True);
    }

    [Test]
    public void ToleranceInTheVerifiedFileGoverns()
    {
        using var dir = new TempDirectory();
        var store = new GoldenStore(dir.Path);
        var record = Record();
        store.Check(record, [Q("loss0", 1)], accept: true);
        string path = store.VerifiedPath("toy", Tier.Smoke, record.Cell);
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"rtol\": 0.001", "\"rtol\": 0.5"));
        Assert.That(store.Check(record, [Q("loss0", 1.4)], accept: false).Passed, Is.True, "a loosened tolerance is honoured");
    }

    [Test]
    public void ASummarysClaimsTableIsCarriedAndNotCompared()
    {
        using var dir = new TempDirectory();
        var store = new GoldenStore(dir.Path);
        var record = Record();
        var claims = new JsonArray(new JsonObject { ["claim"] = "C3", ["verdict"] = "consistent", ["cells"] = "eta* at betas {0.1, 1, 10}" });
        store.Check(record, [Q("C3", -1)], accept: true, claims);
        var written = GoldenFile.Read(store.VerifiedPath("toy", Tier.Smoke, record.Cell));
        Assert.That(written.Claims!.ToJsonString(), Is.EqualTo(claims.ToJsonString()), "the table is written beside the quantities");
        var otherText = new JsonArray(new JsonObject { ["claim"] = "C3", ["verdict"] = "consistent", ["cells"] = "other words" });
        Assert.That(store.Check(record, [Q("C3", -1)], accept: false, otherText).Passed, Is.True, "the table is not compared: the quantities pin its numbers");
        Assert.That(store.Check(record, [Q("C3", -0.5)], accept: false, claims).Passed, Is.False);
        Assert.That(() => GoldenFile.Parse(File.ReadAllText(store.VerifiedPath("toy", Tier.Smoke, record.Cell)).Replace("\"claims\": [", "\"claims\": {\"x\": [").Replace("]\n}", "]}\n}"), "f.json"),
            Throws.TypeOf<FormatException>().With.Message.Contains("'claims' is not an array"));
    }

    [Test]
    public void AnotherConfigurationIsReportedKeyByKey()
    {
        using var dir = new TempDirectory();
        var store = new GoldenStore(dir.Path);
        store.Check(Record(steps: 10), [Q("loss0", 1)], accept: true);
        var outcome = store.Check(Record(steps: 20), [Q("loss0", 1)], accept: false);
        Assert.That(outcome.Passed, Is.False);
        Assert.That(outcome.Message, Does.Contain("another configuration").And.Contain("config steps: 10 -> 20"));
    }

    [Test]
    public void AcceptRefusesAReceivedFileThatWouldNotLoad()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(Path.Combine(dir.Path, "toy", "smoke"));
        string bad = Path.Combine(dir.Path, "toy", "smoke", "c.received.json");
        File.WriteAllText(bad, "{ not json");
        Assert.That(() => new GoldenStore(dir.Path).AcceptAll(), Throws.InstanceOf<FormatException>().With.Message.Contains(bad));
        Assert.That(File.Exists(bad), Is.True);
    }
}
