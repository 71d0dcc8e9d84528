using System.Text.Json.Nodes;
using Repro.Dynamics;
using Repro.Harness;
using Repro.Training;

namespace Repro.Cli.Tests;

/// <summary>The report's entropy-vs-eta~t figure of a cure comparison, drawn by vega-cli from planted records.</summary>
public class EntropyByCureFigureTests
{
    static readonly double Level = Math.Log(10) / 2;

    /// <summary>Entropy falling from ln 10 like exp(-rate t); t_saturate where it crosses ln 10 / 2
    /// (linear between the probes, as the trainer measures it), censored when it never does.</summary>
    internal static RunRecord Saturating(string id, double rate)
    {
        var cell = Cell.FromId(id)!;
        return Records.Of("cures", Tier.Short, cell, RunStatus.Complete, r =>
        {
            var entropy = new Curve();
            foreach (long t in new long[] { 0, 1, 2, 3, 4, 6, 8, 11, 16, 23, 33, 47, 50 }) entropy.Add(t, Math.Log(10) * Math.Exp(-rate * t));
            r.Curves["entropy"] = entropy;
            r.Scalars["final_test_accuracy"] = 0.8;
            Crossing.Of(entropy.Steps, entropy.Values.Select(v => -v).ToList(), -Level).WriteTo(r.Scalars, "t_saturate");
        });
    }

    [Test]
    public void EachCureIsACurveOfEntropyAgainstEtaTildeTimesStepsWithItsSaturationMarked()
    {
        using var dir = new TempDirectory();
        var store = new ResultStore(dir["results"]);
        RunRecord[] records =
        [
            Saturating("beta=1_eta=0.1_z0=1_bn=true_seed=0", 0.05),             // the grid's own cell: saturates at t ~ 13.9
            Saturating("beta=1_eta=0.1_z0=1_bn=true_cure=smoothing0.1_seed=0", 0.005), // never within 50 steps
            Saturating("beta=1_eta=0.1_z0=1_bn=true_cure=noisy0.1_seed=0", 0.02),       // at t ~ 34.7
            Saturating("beta=0.1_eta=10_z0=1_bn=true_cure=noisy0.1_seed=0", 0.03),      // the best beta's panel
            Saturating("beta=1_eta=0.1_z0=1_bn=true_cure=noisy0.1_seed=1", 0.02),       // another seed: not drawn
            // A slice whose cures ran at beta = 1 only (its best beta) and never saturate: 3 panels,
            // no empty fourth, and no dots in this one (either made Vega warn "Infinite extent").
            Saturating("beta=1_eta=0.1_z0=1_bn=false_cure=noisy0.1_seed=0", 0.005),
            // Below ln 10 / 2 by step 1 (crossed at t ~ 0.53): within the first update, no time, no dot.
            Saturating("beta=1_eta=0.1_z0=1_bn=true_cure=noisy0.3_seed=0", 3),
        ];
        foreach (var r in records) store.Write(r);
        Assert.That(records[1].Scalars["t_saturate_censored"], Is.EqualTo(1), "the planted smoothing run never saturates");
        Assert.That(records[6].Scalars["t_saturate"], Is.InRange(0.5, 0.55), "the planted noisy0.3 run crosses between steps 0 and 1");

        var result = Cli.Run([], "report", dir["results"], "--out", dir["report"]);
        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(result.Error, Is.Empty, "vega-cli drew the figure without a warning");
        Assert.That(File.ReadAllText(dir["report/figures/cures-short-entropy-by-cure.svg"]), Does.StartWith("<svg"));

        var spec = JsonNode.Parse(File.ReadAllText(dir["report/specs/cures-short-entropy-by-cure.vl.json"]))!;
        var values = spec["concat"]!.AsArray().SelectMany(view => view!["layer"]!.AsArray().SelectMany(l => l!["data"]!["values"]!.AsArray())).Select(v => v!).ToList();
        var curves = values.Where(v => (string)v["kind"]! == "curve").ToList();
        Assert.That(curves.Select(v => (string)v["cell"]!).Distinct(), Is.EquivalentTo(records.Take(4).Concat(records.Skip(5)).Select(r => r.Cell)), "seed 0's cells, the plain one included");
        Assert.That(curves.Where(v => (string)v["cell"]! == records[0].Cell).Select(v => (string)v["family"]!).Distinct(), Is.EqualTo(new[] { "none" }));
        Assert.That(curves.Select(v => (string)v["panel"]!).Distinct(), Is.EqualTo(new[] { "bn=false, β = 1", "bn=true, β = 0.1", "bn=true, β = 1" }),
            "one panel per slice and beta that ran cures, no empty one");
        Assert.That(spec["concat"]!.AsArray().Select(view => view!["layer"]!.AsArray().Count), Is.EqualTo(new[] { 1, 2, 2 }),
            "no dot layer where no run saturated (bn=false's noisy run does not): an empty layer made Vega warn");
        // eta~ = eta beta^2: at beta = 1 the x axis is 0.1 t, at beta = 0.1 it is 0.1 t too (eta = 10).
        Assert.That(curves.Where(v => (string)v["cell"]! == records[2].Cell).Select(v => (double)v["s"]!), Is.EqualTo(new[] { 0.1, 0.2, 0.3, 0.4, 0.6, 0.8, 1.1, 1.6, 2.3, 3.3, 4.7, 5.0 }).Within(1e-12));

        var dots = values.Where(v => (string)v["kind"]! == "t_saturate").ToList();
        Assert.That(dots.Select(v => (string)v["cell"]!), Is.EquivalentTo(new[] { records[0].Cell, records[2].Cell, records[3].Cell }), "the censored runs, and the one saturated within the first update, have no dot");
        foreach (var dot in dots)
        {
            var record = records.Single(r => r.Cell == (string)dot["cell"]!);
            Assert.That((double)dot["entropy"]!, Is.EqualTo(Level).Within(1e-12), "a dot sits on ln K / 2");
            Assert.That((double)dot["s"]!, Is.EqualTo(record.Point.EtaTilde * record.Scalars["t_saturate"]).Within(1e-12));
        }
    }

    [Test]
    public void ASectionWithoutACureComparisonHasNoSuchFigure()
    {
        using var dir = new TempDirectory();
        new ResultStore(dir["results"]).Write(Saturating("beta=1_eta=0.1_z0=1_seed=0", 0.05));
        var result = Cli.Run([], "report", dir["results"], "--out", dir["report"]);
        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(File.ReadAllText(dir["report/index.html"]), Does.Not.Contain("entropy-by-cure"));
    }
}
