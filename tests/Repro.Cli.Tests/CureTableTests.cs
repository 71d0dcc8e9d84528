using Repro.Harness;

namespace Repro.Cli.Tests;

/// <summary>The report's table of the cure comparison (CureTable), from planted records.</summary>
public class CureTableTests
{
    [Test]
    public void EachCureSitsBesideTheBetaCrossEntropyAloneWithItsSaturationCounted()
    {
        using var dir = new TempDirectory();
        var store = new ResultStore(dir["results"]);
        foreach (var r in new[]
                 {
                     EntropyByCureFigureTests.Saturating("beta=1_eta=0.1_z0=1_seed=0", 0.05),                  // saturates at t ~ 13.9
                     EntropyByCureFigureTests.Saturating("beta=1_eta=0.2_z0=1_seed=0", 0.05),                  // another rate: not the baseline
                     EntropyByCureFigureTests.Saturating("beta=1_eta=0.1_z0=1_cure=smoothing0.1_seed=0", 0.005), // never
                     EntropyByCureFigureTests.Saturating("beta=1_eta=0.1_z0=1_cure=noisy0.3_seed=0", 3),        // within the first update
                     EntropyByCureFigureTests.Saturating("beta=1_eta=0.1_z0=1_cure=noisy0.3_seed=1", 0.02),     // at t ~ 34.7
                 })
            store.Write(r);

        var result = Cli.Run([], "report", dir["results"], "--out", dir["report"]);
        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        string html = File.ReadAllText(dir["report/index.html"]);
        string table = html[html.IndexOf("<table class=\"cures\">", StringComparison.Ordinal)..];
        table = table[..(table.IndexOf("</table>", StringComparison.Ordinal) + 8)];
        Assert.That(table, Does.Contain("<th>t_saturate measured (at least one step)</th>"));
        Assert.That(table, Does.Contain("<td>none (the β cross-entropy alone)</td><td>1</td><td>0.8000</td><td></td><td>1 of 1</td>"), "the grid's cell at the cures' beta and rate, one seed");
        Assert.That(table, Does.Contain("<td>noisy0.3</td><td>2</td><td>0.8000</td><td></td><td>1 of 2 (1 within the first update)</td>"));
        Assert.That(table, Does.Contain("<td>smoothing0.1</td><td>1</td><td>0.8000</td><td></td><td>0 of 1</td>"));
    }
}
