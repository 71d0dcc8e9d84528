using Repro.Dynamics;

using Repro.Training;

namespace Repro.Harness;

/// <summary>
/// A learning-rate scan that does not presuppose where the optimum lies (THEORY.md's eta* ~ 1/beta
/// is a claim to test, so the grid must not be centred on it). The rule, deterministic and the same
/// for every experiment:
/// <list type="number">
/// <item>Each slice (one beta, one value of every extra axis) starts at the grid's learning rates for
///   that beta, at the scan's ||Z0|| (<see cref="At"/>) and every seed.</item>
/// <item>A learning rate's score is the mean over seeds of its cells' final validation accuracy (never
///   the test set); a cell that diverged or failed scores 0.</item>
/// <item>While the best score is at the lowest (highest) rate run so far, the rate one
///   <see cref="Ratio"/> below (above) is added, at most <see cref="MaxExtensions"/> times on each
///   side. Ties go to the lower rate. An optimum still at an edge after that is censored.</item>
/// <item>Once a slice's optimum is known, the grid's other ||Z0|| values run at its optimal rate,
///   every seed.</item>
/// </list>
/// </summary>
public sealed record EtaScan(double Ratio = 2, int MaxExtensions = 8, double? At = 1.0)
{
    /// <summary>The score a cell contributes to its learning rate (rule 2).</summary>
    public static double Score(RunRecord? record) =>
        record is { Status: RunStatus.Complete } && record.Curves.TryGetValue("val_accuracy", out var c) && c.Values.Count > 0 && double.IsFinite(c.Values[^1])
            ? c.Values[^1] : 0;

    /// <summary>Rule 3's choice among rates in ascending order: the first maximum of the finite scores
    /// (ties go to the lower rate), censored when it is the lowest or the highest rate.</summary>
    public static (int Index, Censoring Censoring) Best(IReadOnlyList<double> scores)
    {
        double max = scores.Where(double.IsFinite).Max();
        int best = scores.ToList().IndexOf(max);
        return (best, best == 0 ? Censoring.Left : best == scores.Count - 1 ? Censoring.Right : Censoring.None);
    }

    internal void Validate(Grid grid)
    {
        if (!(Ratio > 1) || double.IsInfinity(Ratio)) throw new ArgumentOutOfRangeException(nameof(Ratio), Ratio, "eta scan: the ratio between neighbouring rates must be a finite number > 1");
        if (MaxExtensions < 0) throw new ArgumentOutOfRangeException(nameof(MaxExtensions), MaxExtensions, "eta scan: the number of extensions per side must be >= 0");
        if (!grid.LogitScales.Contains(At))
            throw new ArgumentException($"eta scan: its ||Z0|| ({At?.ToString() ?? "init"}) is not one of the grid's logit scales ({string.Join(", ", grid.LogitScales.Select(z => z?.ToString() ?? "init"))})");
    }
}

/// <summary>Where one slice of an <see cref="EtaScan"/> stands.</summary>
/// <param name="Rates">The rates run so far, ascending, in the grid's coordinate (eta~ or eta).</param>
/// <param name="Scores">Each rate's score (rule 2), NaN where some of its cells have not finished.</param>
/// <param name="Best">The optimal rate, null while the scan still runs.</param>
/// <param name="Censoring">Left / Right when the optimum is at an edge after every extension was spent.</param>
/// <param name="Pending">The cells this slice needs next (scan or ||Z0|| cells); empty when it is done.</param>
public sealed record ScanSlice(
    double Beta,
    IReadOnlyList<KeyValuePair<string, object>> Extra,
    IReadOnlyList<double> Rates,
    IReadOnlyList<double> Scores,
    double? Best,
    Censoring Censoring,
    IReadOnlyList<Cell> Pending);
