using System.Globalization;
using Repro.Dynamics;

namespace Repro.Harness;

/// <summary>
/// The paper's claims C1-C7, each computed from one variant's records (one value of the extra axes,
/// for example bn = true) with a bootstrap interval over seeds and a verdict (<see cref="VerdictRules"/>).
/// <para>
/// Selection never reads the test set: at each beta, eta* is the rate whose mean validation accuracy
/// over seeds is highest at the reference ||Z0|| (the eta scan's rule, <see cref="EtaScan"/>); an eta*
/// at the edge of the rates run is censored and left out of fits. Every accuracy reported is test
/// accuracy at eta*, a diverged cell left out of its mean (C5 counts it). The intervals resample seeds
/// at the selected eta*; C3's and C7's also redo the selection on each draw.
/// </para>
/// </summary>
public sealed partial class ClaimsTable
{
    /// <summary>||Z0|| up to this is "order one or less" (C1, C2); from <see cref="LargeZ0"/> it is "much larger than 1" (C2).</summary>
    public const double SmallZ0 = 10, LargeZ0 = 30;

    readonly IReadOnlyList<ClaimCell> cells;
    readonly IReadOnlyList<ClaimCell> cures;
    readonly double? reference;
    readonly double ratio;
    readonly Dictionary<(double Beta, double Rate, double? Z0, int Seed), ClaimCell> byKey;
    readonly List<int> seeds;
    readonly List<double> betas;
    readonly List<double?> z0s;
    readonly Dictionary<double, Optimum> optima;

    /// <summary>One beta's selected rate: Rate (and Eta) of the best mean validation score, censored
    /// when it is the lowest or highest rate run.</summary>
    public sealed record Optimum(double Beta, double Rate, double Eta, Censoring Censoring);

    /// <param name="cells">One variant's cells.</param>
    /// <param name="referenceZ0">The ||Z0|| at which eta is selected (the scan's; null: the initialization).</param>
    /// <param name="ratio">The largest ratio between neighbouring rates (the scan's), which bounds how
    /// precisely eta* is located.</param>
    public ClaimsTable(IReadOnlyList<ClaimCell> cells, double? referenceZ0, double ratio)
    {
        // The cure comparison's cells answer their own rows (CureClaims.cs), never C1-C7.
        this.cells = cells.Where(c => c.Cure is null).ToList();
        cures = cells.Where(c => c.Cure is not null).ToList();
        cells = this.cells;
        reference = referenceZ0;
        this.ratio = ratio;
        byKey = [];
        foreach (var c in cells)
            if (!byKey.TryAdd((c.Beta, c.Rate, c.Z0Target, c.Seed), c))
                throw new ArgumentException($"claims: two records for beta={c.Beta}, rate={c.Rate}, ||Z0||={c.Z0Target?.ToString() ?? "init"}, seed={c.Seed} in variant '{c.Variant}'");
        seeds = cells.Select(c => c.Seed).Distinct().Order().ToList();
        betas = cells.Select(c => c.Beta).Distinct().Order().ToList();
        z0s = cells.Select(c => c.Z0Target).Distinct().OrderBy(z => z ?? double.NegativeInfinity).ToList();
        optima = [];
        foreach (double beta in betas)
            if (Select(beta, seeds) is { } o) optima[beta] = o;
    }

    public IReadOnlyDictionary<double, Optimum> Optima => optima;

    /// <summary>Mean test accuracy over seeds at beta's eta* and the reference ||Z0|| (NaN without one).</summary>
    public double TestAccuracyAtOptimum(double beta) => AtOptimum(beta, reference, seeds, c => c.TestAccuracy);

    /// <summary>The claims of every variant of a grid's records (finished or failed, any order).</summary>
    public static IReadOnlyList<(string Variant, Claim Claim)> ForRecords(IEnumerable<RunRecord> records) =>
        Variants(records).SelectMany(v => v.Table.Claims().Select(c => (v.Variant, c))).ToList();

    /// <summary>
    /// One table per value of the grid's extra axes. What the records alone say fixes the rest, so that
    /// the fixtures, `repro sweep` and `repro report` measure the same way: the reference ||Z0|| is the
    /// one run at the most rates (an eta scan's; with every ||Z0|| at every rate, the one nearest 1, the
    /// initialization counting as its measured norm), the rate step the largest ratio between
    /// neighbouring rates run there.
    /// </summary>
    public static IReadOnlyList<(string Variant, ClaimsTable Table)> Variants(IEnumerable<RunRecord> records) =>
        records.Select(ClaimCell.From).GroupBy(c => c.Variant).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g =>
            {
                var cells = g.ToList();
                var reference = cells.GroupBy(c => c.Z0Target)
                    .OrderByDescending(z => z.Select(c => (c.Beta, c.Rate)).Distinct().Count())
                    .ThenBy(z => Math.Abs(Math.Log(z.Average(c => c.Z0))))
                    .First().Key;
                double ratio = cells.Where(c => c.Z0Target == reference).GroupBy(c => c.Beta)
                    .Select(b => b.Select(c => c.Rate).Distinct().Order().ToList())
                    .SelectMany(r => r.Zip(r.Skip(1), (lo, hi) => hi / lo)).DefaultIfEmpty(1).Max();
                return (g.Key, new ClaimsTable(cells, reference, ratio));
            }).ToList();

    /// <summary>The claims, C1 to C7, then the cure comparison's rows where the grid ran one.</summary>
    public IReadOnlyList<Claim> Claims() => [C1(), C2(), C3(), C4Beta(), C4Z0(), C5(), C6(), C7(), .. CureClaims()];

    // ---- selection and means -------------------------------------------------------------------

    Optimum? Select(double beta, IReadOnlyList<int> draw)
    {
        var rates = cells.Where(c => c.Beta == beta && c.Z0Target == reference).Select(c => c.Rate).Distinct().Order().ToList();
        if (rates.Count == 0) return null;
        var scores = rates.Select(rate => Mean(draw, s => byKey.TryGetValue((beta, rate, reference, s), out var c) ? c.Score : double.NaN, requireAll: true)).ToList();
        if (scores.All(double.IsNaN)) return null;
        var (best, censoring) = EtaScan.Best(scores);  // the scan's own rule
        var cell = cells.First(c => c.Beta == beta && c.Rate == rates[best]);
        return new Optimum(beta, rates[best], cell.Eta, censoring);
    }

    /// <summary>The mean of f over the draw's seeds (repeats counted); NaN terms are left out, or make
    /// the mean NaN with <paramref name="requireAll"/>.</summary>
    static double Mean(IReadOnlyList<int> draw, Func<int, double> f, bool requireAll = false)
    {
        double sum = 0;
        int n = 0;
        foreach (int s in draw)
        {
            double v = f(s);
            if (!double.IsFinite(v))
            {
                if (requireAll) return double.NaN;
                continue;
            }
            sum += v;
            n++;
        }
        return n > 0 ? sum / n : double.NaN;
    }

    /// <summary>Mean of a cell quantity at beta's eta* and the given ||Z0|| over the draw.</summary>
    double AtOptimum(double beta, double? z0, IReadOnlyList<int> draw, Func<ClaimCell, double> q) =>
        optima.TryGetValue(beta, out var o)
            ? Mean(draw, s => byKey.TryGetValue((beta, o.Rate, z0, s), out var c) && !c.Diverged ? q(c) : double.NaN)
            : double.NaN;

    double SpreadOverBeta(IReadOnlyList<int> draw, Func<ClaimCell, double> q)
    {
        var v = betas.Select(b => AtOptimum(b, reference, draw, q)).Where(double.IsFinite).ToList();
        return v.Count >= 2 ? v.Max() - v.Min() : double.NaN;
    }

    /// <summary>The ||Z0|| values of a class: target values, or the measured one of an initialization.</summary>
    List<double?> Z0Where(Func<double, bool> inClass) =>
        z0s.Where(z => inClass(Z0Value(z))).ToList();

    double SpreadOverZ0(IReadOnlyList<int> draw)
    {
        var small = Z0Where(z => z <= SmallZ0);
        var spreads = betas.Select(b => small.Select(z => AtOptimum(b, z, draw, c => c.TestAccuracy)).Where(double.IsFinite).ToList())
            .Where(v => v.Count >= 2).Select(v => v.Max() - v.Min()).ToList();
        return spreads.Count > 0 ? spreads.Average() : double.NaN;
    }

    // ---- the claims ----------------------------------------------------------------------------

    Claim C1()
    {
        const string statement = "accuracy depends strongly on beta, weakly on ||Z0|| (<= 10)";
        const string measure = "spread of test accuracy over beta minus mean spread over ||Z0|| <= 10 (at eta*)";
        if (betas.Count < 2 || Z0Where(z => z <= SmallZ0).Count < 2)
            return NotMeasurable("C1", statement, measure, $"needs two betas and two ||Z0|| <= {SmallZ0} (grid: {BetaList(betas)}; ||Z0|| {Z0List(z0s)})");
        double Statistic(IReadOnlyList<int> d) => SpreadOverBeta(d, c => c.TestAccuracy) - SpreadOverZ0(d);
        return DifferenceClaim("C1", statement, measure, Statistic,
            $"betas {BetaList(optima.Keys)} at eta*, ||Z0|| {Z0List(Z0Where(z => z <= SmallZ0))}; spread over beta {Fmt(SpreadOverBeta(seeds, c => c.TestAccuracy))}, over ||Z0|| {Fmt(SpreadOverZ0(seeds))}");
    }

    Claim C2()
    {
        const string statement = "accuracy is poor at ||Z0|| >> 1";
        const string measure = $"test accuracy at ||Z0|| <= 10 minus at ||Z0|| >= 30 (mean over betas, at eta*)";
        var (small, large) = (Z0Where(z => z <= SmallZ0), Z0Where(z => z >= LargeZ0));
        if (small.Count == 0 || large.Count == 0)
            return NotMeasurable("C2", statement, measure, $"needs ||Z0|| <= {SmallZ0} and >= {LargeZ0} (grid: ||Z0|| {Z0List(z0s)})");
        double Statistic(IReadOnlyList<int> d)
        {
            var gaps = betas.Select(b => Average(small.Select(z => AtOptimum(b, z, d, c => c.TestAccuracy))) - Average(large.Select(z => AtOptimum(b, z, d, c => c.TestAccuracy))))
                .Where(double.IsFinite).ToList();
            return gaps.Count > 0 ? gaps.Average() : double.NaN;
        }
        return DifferenceClaim("C2", statement, measure, Statistic,
            $"betas {BetaList(optima.Keys)} at eta*, ||Z0|| {Z0List(small)} vs {Z0List(large)}; diverged there (left out): {DivergedAtOptima(small)} and {DivergedAtOptima(large)}");
    }

    Claim C3()
    {
        const string statement = "the optimal learning rate eta* ~ 1/beta";
        const string measure = "slope of log eta* vs log beta (censored eta* left out)";
        var measured = optima.Values.Where(o => o.Censoring == Censoring.None).ToList();
        var censored = optima.Values.Where(o => o.Censoring != Censoring.None).ToList();
        double Statistic(IReadOnlyList<int> d)
        {
            var points = betas.Select(b => Select(b, d)).Where(o => o is { Censoring: Censoring.None }).Select(o => (o!.Beta, o.Eta)).ToList();
            return points.Count >= VerdictRules.MinPoints ? LogLogFit.Of(points)?.Slope ?? double.NaN : double.NaN;
        }
        double value = measured.Count >= 2 ? LogLogFit.Of(measured.Select(o => (o.Beta, o.Eta)))!.Slope : double.NaN;
        var (low, high) = Bootstrap.Interval(seeds, Statistic);
        // eta* is only located to within one rate step: the slope's interval is widened by what that
        // step can do to a line over the betas measured.
        double span = measured.Count >= 2 ? Math.Log(measured.Max(o => o.Beta) / measured.Min(o => o.Beta)) : double.NaN;
        double widen = Math.Log(ratio) / span;
        (low, high) = (low - widen, high + widen);
        string used = $"eta* at betas {BetaList(measured.Select(o => o.Beta))} ({string.Join(", ", measured.Select(o => $"{Fmt(o.Eta)}"))})" +
                      (censored.Count > 0 ? $"; {censored.Count} censored, left out: " + string.Join(", ", censored.Select(o => $"beta {Fmt(o.Beta)} at the {(o.Censoring == Censoring.Left ? "lowest" : "highest")} rate")) : "; none censored") +
                      (double.IsFinite(widen) ? $"; interval widened by +-{Fmt(widen)} for the rate step x{Fmt(ratio)}" : "");
        return new Claim("C3", statement, measure, value, low, high, VerdictRules.Slope(low, high, -1, seeds.Count, measured.Count),
            "slope: -1 inside the interval and the interval at most 1 wide", used);
    }

    Claim C4Beta()
    {
        const string statement = "learning starts on tau_z* ~ ||Z0|| / beta: vs beta";
        const string measure = "slope of log t_learn at eta* vs log beta (reference ||Z0||)";
        var usable = optima.Values.Where(o => o.Censoring == Censoring.None).Select(o => o.Beta).ToList();
        double TLearn(double b, IReadOnlyList<int> d) => Math.Exp(AtOptimum(b, reference, d, LogTLearn));
        double Statistic(IReadOnlyList<int> d)
        {
            var points = usable.Select(b => (b, TLearn(b, d))).Where(p => double.IsFinite(p.Item2)).ToList();
            return points.Count >= VerdictRules.MinPoints ? LogLogFit.Of(points)?.Slope ?? double.NaN : double.NaN;
        }
        var full = usable.Select(b => (b, TLearn(b, seeds))).Where(p => double.IsFinite(p.Item2)).ToList();
        double value = full.Count >= 2 ? LogLogFit.Of(full)!.Slope : double.NaN;
        var (low, high) = Bootstrap.Interval(seeds, Statistic);
        // t_learn ~ 1 / eta~ at eta*, which is located to within one rate step: widened as C3 is.
        double widen = full.Count >= 2 ? Math.Log(ratio) / Math.Log(full.Max(p => p.b) / full.Min(p => p.b)) : double.NaN;
        (low, high) = (low - widen, high + widen);
        return new Claim("C4a", statement, measure, value, low, high, VerdictRules.Slope(low, high, -1, seeds.Count, full.Count),
            "slope: -1 inside the interval and the interval at most 1 wide",
            $"t_learn measured (not censored, at least one step) at betas {BetaList(full.Select(p => p.b))} of {usable.Count} with an uncensored eta*{(double.IsFinite(widen) ? $"; interval widened by +-{Fmt(widen)} for the rate step" : "")}");
    }

    Claim C4Z0()
    {
        const string statement = "learning starts on tau_z* ~ ||Z0|| / beta: vs ||Z0||";
        const string measure = "mean over betas of the slope of log t_learn at eta* vs log ||Z0||";
        var usable = optima.Values.Where(o => o.Censoring == Censoring.None).Select(o => o.Beta).ToList();
        double Slope(double b, IReadOnlyList<int> d)
        {
            var points = z0s.Select(z => (X: Z0Value(z), Y: Math.Exp(AtOptimum(b, z, d, LogTLearn))))
                .Where(p => double.IsFinite(p.Y)).ToList();
            return points.Count >= VerdictRules.MinPoints ? LogLogFit.Of(points)?.Slope ?? double.NaN : double.NaN;
        }
        double Statistic(IReadOnlyList<int> d) => Average(usable.Select(b => Slope(b, d)));
        var fitted = usable.Where(b => double.IsFinite(Slope(b, seeds))).ToList();
        var (low, high) = Bootstrap.Interval(seeds, Statistic);
        return new Claim("C4b", statement, measure, Statistic(seeds), low, high,
            VerdictRules.Slope(low, high, 1, seeds.Count, fitted.Count > 0 ? z0s.Count : 0),
            "slope: +1 inside the interval and the interval at most 1 wide",
            $"betas {BetaList(fitted)} with t_learn measured (at least one step) at >= {VerdictRules.MinPoints} of ||Z0|| {Z0List(z0s)}");
    }

    Claim C5()
    {
        const string statement = "small beta is less stable";
        const string measure = "divergence rate at eta* (every ||Z0||, every seed) at beta < 1 minus at beta >= 1";
        if (!betas.Any(b => b < 1) || !betas.Any(b => b >= 1))
            return NotMeasurable("C5", statement, measure, $"needs betas below and from 1 (grid: {BetaList(betas)})");
        // At each beta's own optimal rate, so that how far the scan wandered (it runs rates that
        // diverge on purpose) does not count.
        var atOptima = cells.Where(c => optima.TryGetValue(c.Beta, out var o) && c.Rate == o.Rate).ToList();
        if (!atOptima.Any(c => c.Diverged))
            return NotMeasurable("C5", statement, measure, $"no cell diverged at eta* ({atOptima.Count} cells): the grid does not reach the edge of stability at any beta");
        int n1 = atOptima.Count(c => c.Beta < 1), x1 = atOptima.Count(c => c.Beta < 1 && c.Diverged);
        int n2 = atOptima.Count(c => c.Beta >= 1), x2 = atOptima.Count(c => c.Beta >= 1 && c.Diverged);
        // A rate's uncertainty is binomial: seeds that diverge cell for cell alike give a bootstrap over
        // seeds no spread at all, so the interval is Newcombe's score interval for a difference of two
        // proportions, each cell a trial.
        var (low, high) = RateDifference(x1, n1, x2, n2);
        double value = (double)x1 / n1 - (double)x2 / n2;
        return new Claim("C5", statement, measure, value, low, high, VerdictRules.Difference(low, high, seeds.Count),
            "difference: interval above 0 (consistent), at or below 0 (inconsistent); Newcombe's interval over cells",
            $"diverged at eta*: {x1} of {n1} cells at beta < 1, {x2} of {n2} at beta >= 1; seeds {string.Join(",", seeds)}");
    }

    /// <summary>Newcombe's hybrid score interval (95%) for p1 - p2 from Wilson intervals of each.</summary>
    static (double Low, double High) RateDifference(int x1, int n1, int x2, int n2)
    {
        var (p1, l1, u1) = Wilson(x1, n1);
        var (p2, l2, u2) = Wilson(x2, n2);
        double d = p1 - p2;
        return (d - Math.Sqrt((p1 - l1) * (p1 - l1) + (u2 - p2) * (u2 - p2)), d + Math.Sqrt((u1 - p1) * (u1 - p1) + (p2 - l2) * (p2 - l2)));
    }

    static (double P, double Low, double High) Wilson(int x, int n)
    {
        const double z = 1.959963984540054;
        double p = (double)x / n, z2 = z * z;
        double centre = (p + z2 / (2 * n)) / (1 + z2 / n);
        double half = z * Math.Sqrt(p * (1 - p) / n + z2 / (4.0 * n * n)) / (1 + z2 / n);
        return (p, centre - half, centre + half);
    }

    Claim C6()
    {
        const string statement = "beta's effect on accuracy is not a confidence effect";
        const string measure = "spread over beta of test accuracy minus that of ECE after temperature scaling (at eta*)";
        if (betas.Count < 2) return NotMeasurable("C6", statement, measure, $"needs two betas (grid: {BetaList(betas)})");
        return DifferenceClaim("C6", statement, measure, d => SpreadOverBeta(d, c => c.TestAccuracy) - SpreadOverBeta(d, c => c.EceTStar),
            $"betas {BetaList(optima.Keys)} at eta*, reference ||Z0||; spread of ECE {Fmt(SpreadOverBeta(seeds, c => c.Ece))} as trained, " +
            $"{Fmt(SpreadOverBeta(seeds, c => c.EceTStar))} after T*; of accuracy {Fmt(SpreadOverBeta(seeds, c => c.TestAccuracy))}");
    }

    Claim C7()
    {
        const string statement = "the best beta lies in [1e-2, 1e1] and beats beta = 1";
        const string measure = "test accuracy at the best beta (by validation) minus at beta = 1";
        if (!optima.ContainsKey(1)) return NotMeasurable("C7", statement, measure, $"needs beta = 1 (grid: {BetaList(betas)})");
        double Statistic(IReadOnlyList<int> d) => BestBeta(d) is { } b
            ? AtOptimum(b, reference, d, c => c.TestAccuracy) - AtOptimum(1, reference, d, c => c.TestAccuracy)
            : double.NaN;
        var (low, high) = Bootstrap.Interval(seeds, Statistic);
        double? best = BestBeta(seeds);
        bool inRange = best is >= 1e-2 and <= 1e1;
        var verdict = best is null ? Verdict.Inconclusive
            : !inRange && seeds.Count >= VerdictRules.MinSeeds ? Verdict.Inconsistent
            : VerdictRules.Difference(low, high, seeds.Count);
        bool atEdge = best == betas[0] || best == betas[^1];
        return new Claim("C7", statement, measure, Statistic(seeds), low, high, verdict,
            "best beta in [1e-2, 1e1], then difference: interval above 0",
            $"best beta {(best is { } bb ? Fmt(bb) : "none")}{(atEdge ? " (at the edge of the betas run)" : "")} of {BetaList(optima.Keys)}, reference ||Z0||");
    }

    // ---- helpers -------------------------------------------------------------------------------

    /// <summary>The beta with the highest mean validation score at its eta* over the draw (ties to the
    /// lower beta). A run that diverged there scores 0, as in the eta scan's own selection and the
    /// cure round's choice of beta (<see cref="CureScan.Betas"/>): a beta whose eta* diverges a seed is
    /// not made best by leaving that seed out.</summary>
    double? BestBeta(IReadOnlyList<int> d)
    {
        double ScoreAtOptimum(double b) => optima.TryGetValue(b, out var o)
            ? Mean(d, s => byKey.TryGetValue((b, o.Rate, reference, s), out var c) ? c.Score : double.NaN, requireAll: true)
            : double.NaN;
        var scored = optima.Keys.Order().Select(b => (b, v: ScoreAtOptimum(b))).Where(p => double.IsFinite(p.v)).ToList();
        return scored.Count > 0 ? scored.MaxBy(p => p.v).b : null;
    }

    /// <summary>log t_learn where it is a time: a crossing within the first step (between the probes at
    /// 0 and 1) says only "at most one step", a bound like a censored one, and is left out.</summary>
    static double LogTLearn(ClaimCell c) => Crossing.IsATime(c.TLearn) ? Math.Log(c.TLearn) : double.NaN;

    /// <summary>"k of n" cells at the given ||Z0|| values and each beta's eta* that diverged.</summary>
    string DivergedAtOptima(IReadOnlyList<double?> z) =>
        $"{cells.Count(c => z.Contains(c.Z0Target) && optima.TryGetValue(c.Beta, out var o) && c.Rate == o.Rate && c.Diverged)} of " +
        $"{cells.Count(c => z.Contains(c.Z0Target) && optima.TryGetValue(c.Beta, out var o) && c.Rate == o.Rate)}";

    Claim DifferenceClaim(string id, string statement, string measure, Func<IReadOnlyList<int>, double> statistic, string used)
    {
        var (low, high) = Bootstrap.Interval(seeds, statistic);
        return new Claim(id, statement, measure, statistic(seeds), low, high, VerdictRules.Difference(low, high, seeds.Count),
            "difference: interval above 0 (consistent), at or below 0 (inconsistent)", $"{used}; seeds {string.Join(",", seeds)}");
    }

    static Claim NotMeasurable(string id, string statement, string measure, string why) =>
        new(id, statement, measure, double.NaN, double.NaN, double.NaN, Verdict.Inconclusive, "not measurable on this grid", why);

    double Z0Value(double? z) => z ?? cells.Where(c => c.Z0Target is null).Average(c => c.Z0);

    static double Average(IEnumerable<double> values)
    {
        var finite = values.Where(double.IsFinite).ToList();
        return finite.Count > 0 ? finite.Average() : double.NaN;
    }

    static string Fmt(double v) => v.ToString("G3", CultureInfo.InvariantCulture);
    static string BetaList(IEnumerable<double> b) => "{" + string.Join(", ", b.Order().Select(Fmt)) + "}";
    static string Z0List(IEnumerable<double?> z) => "{" + string.Join(", ", z.Select(v => v is { } x ? Fmt(x) : "init")) + "}";
}
