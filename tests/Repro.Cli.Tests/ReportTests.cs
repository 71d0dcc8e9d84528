using System.Text.RegularExpressions;
using Repro.Dynamics;
using Repro.Harness;

using Repro.Training;

namespace Repro.Cli.Tests;

/// <summary>
/// A report of a results directory with complete, diverged, failed and unreadable cells, opened
/// in headless Chromium: every figure is drawn as SVG, no console message, every cell in the
/// table with how it ended; SVG files rendered by vega-cli beside the page. A section whose
/// records lack accuracies says so in place of those figures.
/// </summary>
public class ReportTests
{
    static readonly Grid Grid = new()
    {
        Betas = [0.1, 1, 10],
        LearningRates = LearningRates.EtaTilde(0.03, 0.1, 0.3),
        LogitScales = [1.0, 10],
        Seeds = [0, 1],
    };

    static readonly string[] AllFigures = ["accuracy-vs-beta", "accuracy-heatmap", "loss-collapse", "best-eta-vs-beta", "t-learn-vs-beta", "ece-vs-beta", "seed-spread"];

    /// <summary>demo/short: every figure's data; beta = 10 at eta~ = 0.3 diverges, one cell fails,
    /// one file is not a record. lossonly/smoke: loss curves but no accuracy.</summary>
    static void WriteResults(string root)
    {
        var store = new ResultStore(root);
        foreach (var cell in Grid.Cells())
        {
            if (cell.Beta == 10 && cell.EtaTilde == 0.3)
                store.Write(Records.Of("demo", Tier.Short, cell, RunStatus.Diverged, r => r.Curves["train_loss"] = Records.Loss(cell, 50, divergedAt: 17)));
            else if (cell.Beta == 0.1 && cell.EtaTilde == 0.03 && cell.LogitScale == 10 && cell.Seed == 1)
                store.Write(Records.Of("demo", Tier.Short, cell, RunStatus.Failed));
            else
                store.Write(Records.Of("demo", Tier.Short, cell, RunStatus.Complete, r =>
                {
                    r.Curves["train_loss"] = Records.Loss(cell, 50);
                    double accuracy = 0.9 - 0.05 * Math.Abs(Math.Log10(cell.Beta)) - 0.1 * Math.Abs(cell.EtaTilde - 0.1) - 0.01 * cell.Seed;
                    r.Scalars["final_test_accuracy"] = accuracy;
                    r.Curves["val_accuracy"] = new Curve { Steps = [0, 50], Values = [0.1, accuracy + 0.01] };
                    // t_learn ~ ||Z0|| / eta~, censored past the last probe (step 50) where that is later.
                    double tLearn = 2 * (cell.LogitScale ?? 1) / cell.EtaTilde;
                    new Crossing(tLearn <= 50 ? tLearn : double.NaN, tLearn <= 50 ? Censoring.None : Censoring.Right, 50, double.NaN)
                        .WriteTo(r.Scalars, "t_learn");
                    r.Scalars["test_ece"] = 0.05 + 0.02 * Math.Abs(Math.Log10(cell.Beta));
                    r.Scalars["test_ece_t_star"] = 0.02;
                    r.Scalars["t_star"] = 1.3;
                }));
        }
        File.WriteAllText(store.PathFor("demo", Tier.Short, "beta=1_etat=0.1_z0=10_seed=1"), "{ not a record");
        foreach (var cell in Grid.Cells().Where(c => c.Seed == 0 && c.LogitScale == 1))
            store.Write(Records.Of("lossonly", Tier.Smoke, cell, RunStatus.Complete, r => r.Curves["train_loss"] = Records.Loss(cell, 50)));
    }

    /// <summary>The control for "no console messages" below: a page that does log is caught.</summary>
    [Test]
    public void ChromiumReportsAPagesConsoleErrors()
    {
        using var dir = new TempDirectory();
        string page = dir["logs.html"];
        File.WriteAllText(page, "<html><body><script>console.error('repro-control'); undefinedFunction();</script></body></html>");
        var dom = HeadlessChromium.DumpDom(page);
        Assert.That(dom.Console, Has.Some.Contains("repro-control"), "console.error reaches the captured console");
        Assert.That(dom.Console, Has.Some.Contains("undefinedFunction"), "an uncaught error reaches the captured console");
    }

    [Test]
    public void EveryFigureIsDrawnWithoutConsoleErrorsAndEveryCellIsListed()
    {
        using var dir = new TempDirectory();
        WriteResults(dir["results"]);

        var result = Cli.Run([], "report", dir["results"], "--out", dir["report"]);
        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        string page = dir["report/index.html"];
        Assert.That(result.Out.Trim(), Is.EqualTo($"report: {page}"));
        Assert.That(result.Error, Is.Empty, "vega-cli rendered every figure without a warning");

        var dom = HeadlessChromium.DumpDom(page);
        string screenshot = Path.Combine(TestContext.CurrentContext.WorkDirectory, "report-screenshot.png");
        HeadlessChromium.Screenshot(page, screenshot, 1400, 3200);
        TestContext.AddTestAttachment(screenshot, "the report in headless Chromium");

        Assert.That(dom.Console, Is.Empty, "the page logged nothing to the console (no errors, no Vega warnings)");
        Assert.That(dom.Output, Does.Contain("data-rendered=\"ok\""), "every figure was drawn");
        var figures = Figures(dom.Output);
        foreach (string name in AllFigures)
            Assert.That(figures[$"demo-short-{name}"], Does.Contain("<svg"), $"demo/short {name} is drawn");
        foreach (string name in new[] { "loss-collapse", "best-eta-vs-beta" })
            Assert.That(figures[$"lossonly-smoke-{name}"], Does.Contain("<svg"), $"lossonly/smoke {name} is drawn");
        foreach (string name in new[] { "accuracy-vs-beta", "accuracy-heatmap", "seed-spread" })
            Assert.That(figures[$"lossonly-smoke-{name}"], Does.Contain("class=\"absent\"").And.Contain("test accuracy").And.Not.Contain("<svg"),
                $"lossonly/smoke {name} says its data is absent");
        Assert.That(figures["lossonly-smoke-t-learn-vs-beta"], Does.Contain("class=\"absent\"").And.Contain("t_learn").And.Not.Contain("<svg"));
        Assert.That(figures["lossonly-smoke-ece-vs-beta"], Does.Contain("class=\"absent\"").And.Contain("test_ece").And.Not.Contain("<svg"));

        // Every cell is in a table row, marked with how it ended: nothing is dropped.
        Assert.That(Regex.Matches(dom.Output, "<tr class=\"status-").Count, Is.EqualTo(Grid.Cells().Count + 9));
        Assert.That(Regex.Matches(dom.Output, "<tr class=\"status-diverged\"").Count, Is.EqualTo(4));
        Assert.That(Regex.Matches(dom.Output, "<tr class=\"status-failed\"").Count, Is.EqualTo(1));
        Assert.That(Regex.Matches(dom.Output, "<tr class=\"status-unreadable\"").Count, Is.EqualTo(1));
        Assert.That(dom.Output, Does.Contain("diverged at step 17").And.Contain("out of memory on purpose"));

        // The SVG files vega-cli rendered, one per drawn figure, and their specs.
        foreach (var (id, _) in figures.Where(f => f.Value.Contains("<svg")))
        {
            Assert.That(File.ReadAllText(dir[$"report/figures/{id}.svg"]), Does.StartWith("<svg"), id);
            Assert.That(File.Exists(dir[$"report/specs/{id}.vl.json"]), id);
        }
        Assert.That(File.ReadAllText(page), Does.Not.Contain("<script src"), "the page loads nothing: Vega is inlined");
    }

    [Test]
    public void ReportOfOneExperimentOnly()
    {
        using var dir = new TempDirectory();
        WriteResults(dir["results"]);
        var result = Cli.Run([], "report", dir["results"], "--experiment", "lossonly", "--out", dir["report"]);
        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        string html = File.ReadAllText(dir["report/index.html"]);
        Assert.That(html, Does.Contain("id=\"lossonly-smoke\"").And.Not.Contain("id=\"demo-short\""));

        var none = Cli.Run([], "report", dir["results"], "--experiment", "nothing", "--out", dir["report"]);
        Assert.That(none.ExitCode, Is.EqualTo(2));
        Assert.That(none.Error, Does.Contain("no records of 'nothing'").And.Contain("experiments there: demo, lossonly"));
    }

    /// <summary>A grid with an extra axis (bn, as wrn-cifar10) at the Short tier's 4 betas (panels
    /// side by side) and the Full tier's 9 (one above the other): the heatmap stays within the
    /// page's 560 px figure width.</summary>
    [TestCase(new[] { 0.01, 0.1, 1, 10 })]
    [TestCase(new[] { 1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 1, 3, 10 })]
    public void TheHeatmapOfAGridWithAnExtraAxisFitsThePage(double[] betas)
    {
        using var dir = new TempDirectory();
        var grid = new Grid
        {
            Betas = betas,
            LearningRates = LearningRates.EtaTilde(0.1),
            LogitScales = [1.0, 10],
            Extra = [new Axis("bn", true, false)],
        };
        var store = new ResultStore(dir["results"]);
        foreach (var cell in grid.Cells())
            store.Write(Records.Of("wide", Tier.Full, cell, RunStatus.Complete, r =>
            {
                r.Curves["train_loss"] = Records.Loss(cell, 20);
                r.Scalars["final_test_accuracy"] = 0.9 - 0.05 * Math.Abs(Math.Log10(cell.Beta));
            }));
        var result = Cli.Run([], "report", dir["results"], "--out", dir["report"]);
        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        string svg = File.ReadAllText(dir["report/figures/wide-full-accuracy-heatmap.svg"]);
        double width = double.Parse(Regex.Match(svg, "<svg[^>]*? width=\"(?<w>[0-9.]+)\"").Groups["w"].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.That(width, Is.LessThanOrEqualTo(560), "the heatmap's SVG width");
        Assert.That(svg, Does.Contain("bn=true").And.Contain("bn=false"), "one panel per bn value");
    }

    /// <summary>An eta scan over three seeds whose planted optimum is eta* = 1/beta: the claims table
    /// heads the section, one row per claim with its interval and verdict, and C3 reads consistent.</summary>
    [Test]
    public void TheClaimsTableHeadsItsSectionInChromium()
    {
        using var dir = new TempDirectory();
        var grid = new Grid
        {
            Betas = [0.01, 0.1, 1, 10],
            LearningRates = LearningRates.Eta(0.5, 1, 2),
            LogitScales = [1.0, 10, 30],
            Seeds = [0, 1, 2],
            Scan = new EtaScan(Ratio: 2, MaxExtensions: 10, At: 1.0),
        };
        var store = new ResultStore(dir["results"]);
        GridRun.Complete(grid, (_, cells) => cells.Select(cell =>
        {
            double accuracy = 0.9 - 0.05 * Math.Abs(Math.Log2(cell.Eta * cell.Beta)) - (cell.LogitScale >= 30 ? 0.2 : 0) - 0.001 * cell.Seed;
            var record = Records.Of("scan", Tier.Short, cell, RunStatus.Complete, r =>
            {
                r.Curves["train_loss"] = Records.Loss(cell, 50);
                r.Curves["val_accuracy"] = new Curve { Steps = [0, 50], Values = [0.1, accuracy] };
                r.Scalars["final_test_accuracy"] = accuracy;
                r.Scalars["test_ece"] = 0.05;
                r.Scalars["test_ece_t_star"] = 0.02;
            });
            store.Write(record);
            return record;
        }).ToList());
        var result = Cli.Run([], "report", dir["results"], "--out", dir["report"]);
        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        string page = dir["report/index.html"];
        var dom = HeadlessChromium.DumpDom(page);
        string screenshot = Path.Combine(TestContext.CurrentContext.WorkDirectory, "report-claims-screenshot.png");
        HeadlessChromium.Screenshot(page, screenshot, 1400, 900);
        TestContext.AddTestAttachment(screenshot, "the claims table in headless Chromium");
        Assert.That(new FileInfo(screenshot).Length, Is.GreaterThan(10_000), "the screenshot holds a rendered page");

        Assert.That(dom.Console, Is.Empty);
        string section = Regex.Match(dom.Output, "<section id=\"scan-short\">(?<body>.*?)</section>", RegexOptions.Singleline).Groups["body"].Value;
        int claims = section.IndexOf("<table class=\"claims\">", StringComparison.Ordinal);
        Assert.That(claims, Is.GreaterThan(0).And.LessThan(section.IndexOf("<div class=\"figures\">", StringComparison.Ordinal)), "the claims table comes before the figures");
        var rows = Regex.Matches(section, "<tr class=\"verdict-(?<v>[a-z]+)\"><td>(?<id>C[0-9a-z]+)</td>").ToDictionary(m => m.Groups["id"].Value, m => m.Groups["v"].Value);
        Assert.That(rows.Keys, Is.EqualTo(new[] { "C1", "C2", "C3", "C4a", "C4b", "C5", "C6", "C7" }));
        Assert.That(rows["C3"], Is.EqualTo("consistent"), "the planted eta* = 1/beta");
        Assert.That(rows["C2"], Is.EqualTo("consistent"), "the planted fall at ||Z0|| = 30");
        Assert.That(section, Does.Contain("no cell diverged"), "C5 says why it is not measured");
    }

    /// <summary>Each figure element's inner HTML by id.</summary>
    static Dictionary<string, string> Figures(string dom) =>
        Regex.Matches(dom, "<figure class=\"figure\" id=\"(?<id>[^\"]+)\"[^>]*>(?<body>.*?)</figure>", RegexOptions.Singleline)
            .ToDictionary(m => m.Groups["id"].Value, m => m.Groups["body"].Value);
}
