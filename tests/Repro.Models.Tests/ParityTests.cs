using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Repro.Torch;
using Repro.Torch.Modules;
using Repro.Torch.Tests;
using static Repro.Torch.torch;

namespace Repro.Models.Tests;

/// <summary>
/// Each model against its PyTorch reference (bench/parity_models.py: torchvision's resnet50, an
/// nn.Embedding / nn.GRU / nn.Linear classifier, a WRN written the same way), in eval mode, in both
/// directions: our weights loaded into PyTorch, and PyTorch's weights (its own initialization)
/// loaded into ours with strict = true. Logits must agree to a relative error below 1e-5.
/// </summary>
public partial class ParityTests
{
    const double Tolerance = 1e-5;
    string dir = "";

    [SetUp]
    public void MakeDirectory() => dir = Directory.CreateTempSubdirectory("repro-parity-").FullName;

    [TearDown]
    public void RemoveDirectory() => Directory.Delete(dir, recursive: true);

    [Test]
    public void ResNet50MatchesTorchvision()
    {
        using var g = new Generator(11);
        using var model = new ResNet50(g);
        Check(model, randn([2, 3, 224, 224], g), new { model = "resnet50", classes = 1000, seed = 1 });
    }

    [Test]
    public void GruClassifierMatchesPyTorch()
    {
        using var g = new Generator(12);
        using var model = new GruClassifier(200, 16, 32, 2, g);
        Tensor tokens = GruClassifierTests.RightPadded([12, 7, 1, 0], 12, 200, g);
        Check(model, tokens, new { model = "gru", vocab = 200, embedding = 16, hidden = 32, classes = 2, seed = 2 });
    }

    [TestCase(true)]
    [TestCase(false)]
    public void WideResNetMatchesItsPyTorchTwin(bool batchNorm)
    {
        using var g = new Generator(13);
        using var model = new WideResNet(10, 2, 0, batchNorm, 10, g);
        Check(model, randn([4, 3, 32, 32], g), new { model = "wrn", depth = 10, widen_factor = 2, batch_norm = batchNorm, classes = 10, seed = 3 });
    }

    [Test]
    public void TheCheckFailsWhenTheLogitsDiffer()
    {
        using var g = new Generator(14);
        using var model = new WideResNet(10, 1, 0, true, 10, g);
        Export(model, randn([2, 3, 32, 32], g), new { model = "wrn", depth = 10, widen_factor = 1, batch_norm = true, classes = 10, seed = 4 }, logitScale: 1.001);
        var (exitCode, output) = RunScript();
        Assert.That(exitCode, Is.EqualTo(1), output);
        Assert.That(ParseError(output), Is.EqualTo(1e-3).Within(1e-4));
    }

    void Check(Classifier model, Tensor input, object config)
    {
        using var scope = NewDisposeScope();
        Export(model, input, config);
        var (exitCode, output) = RunScript();
        Assert.That(exitCode, Is.EqualTo(0), "bench/parity_models.py failed:\n" + output);
        Assert.That(ParseError(output), Is.LessThan(Tolerance));

        // PyTorch -> C#: PyTorch's own initialization, in PyTorch's order, loaded strictly (so that
        // every tensor of the model is overwritten).
        var theirs = Safetensors.Load(Path.Combine(dir, "pytorch.safetensors"));
        Assert.That(theirs.Keys, Is.EqualTo(model.state_dict().Keys));
        model.load(Path.Combine(dir, "pytorch.safetensors"), strict: true);
        var io = Safetensors.Load(Path.Combine(dir, "pytorch_io.safetensors"));
        Tensor ours;
        using (no_grad()) ours = model.forward(io["input"]);
        double error = ModelAssert.RelativeError(ours, io["logits"]);
        TestContext.Out.WriteLine($"pytorch->csharp relative error {error:E3}");
        Assert.That(error, Is.LessThan(Tolerance));
        foreach (var (name, counter) in model.named_buffers().Where(b => b.name.EndsWith("num_batches_tracked", StringComparison.Ordinal)))
            Assert.That(counter.item(), Is.EqualTo(7), name);
        foreach (var t in theirs.Values.Concat(io.Values)) t.Dispose();
    }

    /// <summary>Writes the model's weights, the input and its eval-mode logits (times
    /// <paramref name="logitScale"/>, to test the check itself) and the config for the script.</summary>
    void Export(Classifier model, Tensor input, object config, double logitScale = 1)
    {
        using var scope = NewDisposeScope();
        RandomizeStatistics(model);
        model.eval();
        Tensor logits;
        using (no_grad()) logits = model.forward(input) * logitScale;
        model.save(Path.Combine(dir, "csharp.safetensors"));
        Safetensors.Save(Path.Combine(dir, "csharp_io.safetensors"), new Dictionary<string, Tensor> { ["input"] = input, ["logits"] = logits });
        File.WriteAllText(Path.Combine(dir, "config.json"), JsonSerializer.Serialize(config));
    }

    (int exitCode, string output) RunScript()
    {
        var result = PythonTorch.Run(Path.Combine(AppContext.BaseDirectory, "bench", "parity_models.py"), dir);
        TestContext.Out.WriteLine(result.output.Trim());
        return result;
    }

    static double ParseError(string output)
    {
        var match = ErrorLine().Match(output);
        Assert.That(match.Success, Is.True, "bench/parity_models.py printed no error:\n" + output);
        return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    /// <summary>Random batch-norm statistics and affine parameters and SkipInit scalars, so that a
    /// tensor loaded under the wrong name changes the logits.</summary>
    static void RandomizeStatistics(Module model)
    {
        using var g = new Generator(99);
        using var _ = no_grad();
        foreach (var (_, m) in model.named_modules())
            if (m is BatchNorm2d bn)
            {
                bn.running_mean.normal_(0, 0.1, g);
                bn.running_var.uniform_(0.5, 1.5, g);
                bn.weight.uniform_(0.5, 1.5, g);
                bn.bias.normal_(0, 0.1, g);
                bn.num_batches_tracked.fill_(3);
            }
        foreach (var (name, p) in model.named_parameters())
            if (name.EndsWith("skip_gain", StringComparison.Ordinal)) p.uniform_(0.1, 0.3, g);
    }

    [GeneratedRegex(@"csharp->pytorch relative error (\S+)")]
    private static partial Regex ErrorLine();
}
