using Repro.Dynamics;

namespace Repro.Harness;

/// <summary>
/// The rows of the cure comparison (<see cref="CureScan"/>): does tuning beta do what the other cures
/// for early saturation do, better or worse, and do they compose? Selection is the claims' own: the
/// best beta and each beta's eta* by validation accuracy, and a cure's knob by its mean validation
/// accuracy over seeds at the beta it runs at (ties to the lower knob), never the test set; values
/// are test accuracy, intervals a bootstrap over seeds that redoes every selection on each draw.
/// </summary>
public sealed partial class ClaimsTable
{
    IEnumerable<Claim> CureClaims()
    {
        if (cures.Count == 0) yield break;
        foreach (string name in cures.Select(c => c.CureName!).Distinct().Order(StringComparer.Ordinal))
            yield return TunedBetaVersus(name);
        yield return CureAddsToBeta();
        yield return BetaAddsToCure();
        yield return SaturationVersusAccuracy();
    }

    /// <summary>The runs C10 reads in a draw: the grid's at each beta's eta* and the reference ||Z0||,
    /// and the cures', each seed as often as the draw holds it.</summary>
    IEnumerable<ClaimCell> SaturationRuns(IReadOnlyList<int> d) => d.SelectMany(s =>
        cells.Where(c => c.Seed == s && c.Z0Target == reference && optima.TryGetValue(c.Beta, out var o) && c.Rate == o.Rate)
            .Concat(cures.Where(c => c.Seed == s)))
        .Where(c => !c.Diverged && double.IsFinite(c.TestAccuracy));

    Claim SaturationVersusAccuracy()
    {
        const string statement = "runs that saturate later reach higher test accuracy";
        const string measure = "Spearman correlation of t_saturate (entropy at ln K / 2) and test accuracy over the runs at eta* and the cure runs; " +
            "a run that never saturated ranks after every measured one (tied), one saturated by its first probe or within the first update before them (tied)";
        var runs = SaturationRuns(seeds).ToList();
        var (ordered, left) = SaturationOrder(runs);
        int measured = runs.Count(IsMeasured), late = ordered.Count(p => p.T == double.PositiveInfinity),
            early = ordered.Count(p => p.T == double.NegativeInfinity), firstUpdate = runs.Count(WithinFirstUpdate);
        string used = $"t_saturate measured (at least one step) in {measured} of {runs.Count} runs; {late} never reached ln K / 2 (ranked after every measured run), " +
                      $"{early} had by the first probe or within the first update (ranked before; {firstUpdate} of them within the first update)" +
                      (left > 0 ? $"; {left} censored at a step inside the measured times, so of unknown order, left out" : "") +
                      (runs.Count - measured - late - early - left > 0 ? $"; {runs.Count - measured - late - early - left} without t_saturate" : "");
        if (measured < 5) return NotMeasurable("C10", statement, measure, used);
        double Statistic(IReadOnlyList<int> d) => Spearman(SaturationOrder(SaturationRuns(d)).Ordered);
        return DifferenceClaim("C10", statement, measure, Statistic, used);
    }

    /// <summary>A t_saturate of at least one step (<see cref="Crossing.IsATime"/>); one under a step,
    /// within the first update, is a bound and ranks with the runs saturated by the first probe.</summary>
    static bool IsMeasured(ClaimCell c) => Crossing.IsATime(c.TSaturate);

    static bool WithinFirstUpdate(ClaimCell c) => double.IsFinite(c.TSaturate) && !Crossing.IsATime(c.TSaturate);

    /// <summary>
    /// The runs' (t_saturate, test accuracy) as ranks can read them: a measured time as it is; a run
    /// censored after the end of a run at least as long as every measured time as +infinity (it
    /// saturates later than all of them, if ever), one censored at or before a first probe no later
    /// than every measured time, or saturated within the first update, as -infinity. Leaving the
    /// censored out would drop exactly the runs that saturate latest (or earliest) and bias the
    /// correlation; a censored run whose bound lies inside the measured times has no known order and
    /// is counted as left out.
    /// </summary>
    static (List<(double T, double Accuracy)> Ordered, int LeftOut) SaturationOrder(IEnumerable<ClaimCell> runs)
    {
        var all = runs.ToList();
        var times = all.Where(IsMeasured).Select(c => c.TSaturate).ToList();
        if (times.Count == 0) return ([], all.Count(c => c.TSaturateCensored is not null));
        double first = times.Min(), last = times.Max();
        var ordered = new List<(double, double)>();
        int leftOut = 0;
        foreach (var c in all)
        {
            if (IsMeasured(c)) ordered.Add((c.TSaturate, c.TestAccuracy));
            else if (WithinFirstUpdate(c)) ordered.Add((double.NegativeInfinity, c.TestAccuracy));
            else if (c.TSaturateCensored is (Censoring.Right, var after) && after >= last) ordered.Add((double.PositiveInfinity, c.TestAccuracy));
            else if (c.TSaturateCensored is (Censoring.Left, var before) && before <= first) ordered.Add((double.NegativeInfinity, c.TestAccuracy));
            else if (c.TSaturateCensored is not null) leftOut++;
        }
        return (ordered, leftOut);
    }

    /// <summary>Spearman's rank correlation (ties get their mean rank); NaN below 3 points or without spread.</summary>
    static double Spearman(IReadOnlyList<(double X, double Y)> points)
    {
        if (points.Count < 3) return double.NaN;
        static double[] Ranks(IReadOnlyList<double> v)
        {
            var order = Enumerable.Range(0, v.Count).OrderBy(i => v[i]).ToList();
            var ranks = new double[v.Count];
            for (int i = 0; i < order.Count;)
            {
                int j = i;
                while (j + 1 < order.Count && v[order[j + 1]] == v[order[i]]) j++;
                for (int k = i; k <= j; k++) ranks[order[k]] = (i + j) / 2.0;
                i = j + 1;
            }
            return ranks;
        }
        double[] rx = Ranks(points.Select(p => p.X).ToList()), ry = Ranks(points.Select(p => p.Y).ToList());
        double mx = rx.Average(), my = ry.Average();
        double sxy = rx.Zip(ry).Sum(p => (p.First - mx) * (p.Second - my));
        double sxx = rx.Sum(x => (x - mx) * (x - mx)), syy = ry.Sum(y => (y - my) * (y - my));
        return sxx > 0 && syy > 0 ? sxy / Math.Sqrt(sxx * syy) : double.NaN;
    }

    /// <summary>Mean over the draw of a quantity of the cure cells at (beta, cure value); NaN unless every seed has one.</summary>
    double CureMean(double beta, string cure, IReadOnlyList<int> d, Func<ClaimCell, double> q, bool requireAll = false) =>
        Mean(d, s => cures.FirstOrDefault(c => c.Beta == beta && c.Cure == cure && c.Seed == s) is { } c && !c.Diverged ? q(c) : double.NaN, requireAll);

    /// <summary>The cure value (of the named cure, or any) with the best mean validation score at beta over the draw.</summary>
    string? BestCure(double beta, IReadOnlyList<int> d, string? name = null)
    {
        var scored = cures.Where(c => c.Beta == beta && (name is null || c.CureName == name)).Select(c => c.Cure!).Distinct()
            .OrderBy(v => CureScan.Parse(v).Name, StringComparer.Ordinal).ThenBy(v => CureScan.Parse(v).Knob)
            .Select(v => (v, score: Mean(d, s => cures.FirstOrDefault(c => c.Beta == beta && c.Cure == v && c.Seed == s)?.Score ?? double.NaN, requireAll: true)))
            .Where(p => double.IsFinite(p.score)).ToList();
        return scored.Count > 0 ? scored.MaxBy(p => p.score).v : null;
    }

    Claim TunedBetaVersus(string name)
    {
        string statement = $"tuned beta does better than {name} at beta = 1";
        const string measure = "test accuracy at the best beta (no cure) minus at beta = 1 with the cure at its best knob (by validation)";
        if (!optima.ContainsKey(1) || !cures.Any(c => c.Beta == 1))
            return NotMeasurable($"C8-{name}", statement, measure, "needs beta = 1 with the cure run there");
        double Statistic(IReadOnlyList<int> d) => BestBeta(d) is { } b && BestCure(1, d, name) is { } cure
            ? AtOptimum(b, reference, d, c => c.TestAccuracy) - CureMean(1, cure, d, c => c.TestAccuracy)
            : double.NaN;
        var (best, knob) = (BestBeta(seeds), BestCure(1, seeds, name));
        return DifferenceClaim($"C8-{name}", statement, measure, Statistic,
            $"best beta {(best is { } b ? Fmt(b) : "none")} at eta* vs beta 1 with {knob ?? "none"}; " +
            $"{cures.Count(c => c.Beta == 1 && c.CureName == name)} cells of {name} at beta = 1");
    }

    Claim CureAddsToBeta()
    {
        const string statement = "the best cure adds to tuned beta";
        const string measure = "test accuracy at the best beta with its best cure (by validation) minus at the best beta alone";
        double? bestBeta = BestBeta(seeds);
        if (bestBeta is not { } b0 || !cures.Any(c => c.Beta == b0))
            return NotMeasurable("C9a", statement, measure, "needs the cures run at the best beta");
        double Statistic(IReadOnlyList<int> d) => BestBeta(d) is { } b && BestCure(b, d) is { } cure
            ? CureMean(b, cure, d, c => c.TestAccuracy) - AtOptimum(b, reference, d, c => c.TestAccuracy)
            : double.NaN;
        return DifferenceClaim("C9a", statement, measure, Statistic, $"best beta {Fmt(b0)} with {BestCure(b0, seeds) ?? "none"} vs alone");
    }

    Claim BetaAddsToCure()
    {
        const string statement = "tuned beta adds to the best cure";
        const string measure = "test accuracy at the best beta with its best cure minus at beta = 1 with its best cure (each by validation)";
        double? bestBeta = BestBeta(seeds);
        if (bestBeta is not { } b0 || b0 == 1)
            return NotMeasurable("C9b", statement, measure, $"the best beta is {(bestBeta is { } b ? Fmt(b) : "none")}: nothing to compose with beta = 1");
        if (!cures.Any(c => c.Beta == 1) || !cures.Any(c => c.Beta == b0))
            return NotMeasurable("C9b", statement, measure, "needs the cures run at beta = 1 and at the best beta");
        double Statistic(IReadOnlyList<int> d) => BestBeta(d) is { } b && b != 1 && BestCure(b, d) is { } cure && BestCure(1, d) is { } atOne
            ? CureMean(b, cure, d, c => c.TestAccuracy) - CureMean(1, atOne, d, c => c.TestAccuracy)
            : double.NaN;
        return DifferenceClaim("C9b", statement, measure, Statistic,
            $"best beta {Fmt(b0)} with {BestCure(b0, seeds) ?? "none"} vs beta 1 with {BestCure(1, seeds) ?? "none"}");
    }
}
