using Repro.Cli.Reporting;
using Repro.Harness;
using Repro.Training;

namespace Repro.Cli.Tests;

public class CellTableTests
{
    [Test]
    public void EachCellShowsHowWellTheEntropyCovarianceLawHeld()
    {
        var cells = new Grid { Betas = [0.1], LearningRates = LearningRates.EtaTilde(0.01), LogitScales = [1.0], Seeds = [0, 1] }.Cells();
        var cell = cells[0];
        var record = Records.Of("demo", Tier.Smoke, cell, RunStatus.Complete, r =>
        {
            r.Scalars["entropy_cov_ratio_median"] = 1.137;
            r.Scalars["entropy_cov_ratio_q25"] = 0.912;
            r.Scalars["entropy_cov_ratio_q75"] = 1.5;
        });
        var without = Records.Of("demo", Tier.Smoke, cells[1], RunStatus.Complete);
        var rows = new[] { record, without }.Select(r => CellRow.Of(new StoredRecord("demo", "smoke", r.Cell, $"/r/{r.Cell}.json", r, null))).ToList();
        string html = CellTable.Html(rows);
        Assert.That(html, Does.Contain(">entropy law</th>"));
        Assert.That(html, Does.Contain("<td>1.14 [0.91, 1.50]</td>"));
        Assert.That(rows[1].EntropyLaw, Is.Null, "a record without the probe shows an empty cell");
    }

    [Test]
    public void TheEntropyLawTableGivesEachBetasMedianOverItsCells()
    {
        var cells = new Grid { Betas = [0.1, 1], LearningRates = LearningRates.EtaTilde(0.01), LogitScales = [1.0], Seeds = [0, 1, 2] }.Cells();
        double[] medians = [1.1, 1.3, 0.9, 2.0, 1.0, 1.2];
        var rows = cells.Select((cell, i) => Records.Of("demo", Tier.Smoke, cell, RunStatus.Complete, r =>
            {
                r.Scalars["entropy_cov_ratio_median"] = medians[i];
                r.Scalars["entropy_cov_ratio_q25"] = medians[i] - 0.1;
                r.Scalars["entropy_cov_ratio_q75"] = medians[i] + 0.2;
            }))
            .Select(r => CellRow.Of(new StoredRecord("demo", "smoke", r.Cell, $"/r/{r.Cell}.json", r, null))).ToList();
        string html = EntropyLawTable.Html(rows);
        // beta 0.1: seeds 0-2 have 1.1, 1.3, 0.9 (median 1.1); beta 1: 2.0, 1.0, 1.2 (median 1.2).
        Assert.That(html, Does.Contain("<tr><td>0.1</td><td>3</td><td>1.100</td><td>[1.000, 1.300]</td></tr>"));
        Assert.That(html, Does.Contain("<tr><td>1</td><td>3</td><td>1.200</td><td>[1.100, 1.400]</td></tr>"));
        Assert.That(EntropyLawTable.Html([]), Does.Contain("class=\"absent\"").And.Contain("entropy_cov_ratio_"));
    }
}
