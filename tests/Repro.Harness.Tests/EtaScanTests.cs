using Repro.Dynamics;
using Repro.Harness;

namespace Repro.Harness.Tests;

public class EtaScanTests
{
    static Grid ScanGrid(int maxExtensions = 8) => new()
    {
        Betas = [0.1, 1, 10],
        // The same start in eta for every beta: the scan must find eta* ~ 1/beta by itself.
        LearningRates = LearningRates.Eta(0.5, 1, 2),
        LogitScales = [1.0, 30],
        Seeds = [0, 1],
        Scan = new EtaScan(Ratio: 2, MaxExtensions: maxExtensions, At: 1.0),
    };

    [Test]
    public void Cells_are_the_start_bracket_at_the_scans_logit_scale()
    {
        var cells = ScanGrid().Cells();
        Assert.That(cells, Has.Count.EqualTo(3 * 3 * 2));
        Assert.That(cells.Select(c => c.LogitScale).Distinct(), Is.EquivalentTo(new double?[] { 1.0 }));
    }

    [Test]
    public void The_scan_extends_until_the_optimum_is_inside_and_runs_the_other_logit_scales_there()
    {
        var grid = ScanGrid();
        // eta* = 1 / beta: 10 at beta 0.1 (3.3 doublings above the start), 0.1 at beta 10.
        var records = ScanRecords.Run(grid, c => ScanRecords.Of(c, ScanRecords.Peaked(c.Eta, 1 / c.Beta)));
        var byId = records.ToDictionary(r => r.Cell);
        var slices = grid.ScanState(byId.GetValueOrDefault);
        Assert.That(slices.All(s => s.Pending.Count == 0 && s.Censoring == Censoring.None));
        Assert.That(slices.Select(s => s.Best), Is.EqualTo(new double?[] { 8, 1, 0.125 }), "eta* on the x2 lattice nearest 1/beta");
        foreach (var s in slices)
        {
            Assert.That(s.Scores[s.Rates.ToList().IndexOf(s.Best!.Value)], Is.EqualTo(s.Scores.Max()));
            Assert.That(records.Count(r => r.Point.Beta == s.Beta && r.Point.LogitScale == 30), Is.EqualTo(2),
                "||Z0|| = 30 runs at eta* only, every seed");
        }
        Assert.That(records.Select(r => r.Cell).Distinct().Count(), Is.EqualTo(records.Count), "no cell runs twice");
        Assert.That(records.Select(r => r.Cell), Is.SubsetOf(grid.Candidates().Select(c => c.Id)), "every cell run is a candidate");
    }

    [Test]
    public void An_optimum_beyond_the_extensions_is_censored_at_that_edge()
    {
        var grid = ScanGrid(maxExtensions: 2);
        var records = ScanRecords.Run(grid, c => ScanRecords.Of(c, ScanRecords.Peaked(c.Eta, 1 / c.Beta)));
        var slices = grid.ScanState(records.ToDictionary(r => r.Cell).GetValueOrDefault);
        Assert.That(slices.Select(s => s.Censoring), Is.EqualTo(new[] { Censoring.Right, Censoring.None, Censoring.Left }));
        Assert.That(slices[0].Rates, Is.EqualTo(new[] { 0.5, 1, 2, 4, 8 }));
        Assert.That(slices[2].Rates, Is.EqualTo(new[] { 0.125, 0.25, 0.5, 1, 2 }));
    }

    [Test]
    public void Diverged_cells_score_zero_so_the_scan_turns_back_from_them()
    {
        var grid = ScanGrid();
        // Every rate above 1 diverges; below it accuracy rises with the rate.
        var records = ScanRecords.Run(grid, c => ScanRecords.Of(c, c.Eta > 1 ? double.NaN : 0.5 + 0.1 * Math.Log2(c.Eta + 1)));
        var slices = grid.ScanState(records.ToDictionary(r => r.Cell).GetValueOrDefault);
        Assert.That(slices.Select(s => s.Best), Is.All.EqualTo(1.0));
        Assert.That(slices.Select(s => s.Censoring), Is.All.EqualTo(Censoring.None));
    }

    [Test]
    public void A_scan_at_a_logit_scale_the_grid_lacks_is_refused()
    {
        var grid = new Grid { Betas = [1], LearningRates = LearningRates.Eta(1), LogitScales = [10.0], Scan = new EtaScan(At: 1) };
        Assert.That(() => grid.Cells(), Throws.ArgumentException.With.Message.Contains("not one of the grid's logit scales"));
    }
}
