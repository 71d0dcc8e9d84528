using Repro.Dynamics;
using Repro.Harness;

using Repro.Training;

namespace Repro.Cli.Reporting;

/// <summary>
/// A record as the report sees it: the cell's axis values, its status (complete, diverged, failed,
/// or unreadable for a file that is not a record), and the quantities the figures plot. The
/// names are those the experiments record: test accuracy from the scalar `final_test_accuracy`,
/// else the scalar `test_accuracy`, else the last value of the curve `test_accuracy`; training
/// loss from the curve `train_loss` (keyed by step).
/// </summary>
/// <param name="Variant">The extra axes, "net=mlp, bn=true" ("" for none).</param>
/// <param name="Problem">The error of a failed cell, or why a file could not be read.</param>
public sealed record CellRow(
    string Experiment, string Tier, string Cell, string Path,
    double? Beta, double? Eta, double? EtaTilde, double? Z0, int? Seed,
    string Variant,
    string Status, long? DivergenceStep, double? Accuracy, double? FinalLoss, double? Seconds,
    string? Problem,
    Curve? TrainLoss)
{
    public const string Complete = "complete", Diverged = "diverged", Failed = "failed", Unreadable = "unreadable";

    /// <summary>The last validation accuracy (curve val_accuracy), what selection reads.</summary>
    public double? ValAccuracy { get; init; }
    /// <summary>t_learn: the step when measured; its censoring (0 measured, -1 at or before, +1 after
    /// the bound) and the bound when censored. Null where the record has none (a diverged cell).</summary>
    public double? TLearn { get; init; }
    public int? TLearnCensoring { get; init; }
    public double? TLearnBound { get; init; }
    /// <summary>Calibration on the test split: ECE as trained and at the post-hoc temperature T*.</summary>
    public double? Ece { get; init; }
    public double? EceTStar { get; init; }
    public double? TStar { get; init; }
    /// <summary>The entropy covariance law over the run's probed updates: measured / predicted
    /// entropy change, median and quartiles (scalars entropy_cov_ratio_*).</summary>
    public (double Median, double Q25, double Q75)? EntropyLaw { get; init; }
    /// <summary>The cure comparison's value of this cell ("noisy0.1"); null for the grid's own cells.</summary>
    public string? Cure { get; init; }
    /// <summary>The cure's name without its knob ("noisy"); null for the grid's own cells.</summary>
    public string? CureName { get; init; }
    /// <summary>The extra axes without the cure: the slice a cure cell compares with.</summary>
    public string Slice { get; init; } = "";
    /// <summary>The mean prediction entropy on the probe batch (curve entropy, keyed by step).</summary>
    public Curve? Entropy { get; init; }
    /// <summary>t_saturate when measured (the entropy fell to ln K / 2 between two probes).</summary>
    public double? TSaturate { get; init; }
    /// <summary>Whether this is the grid's own cell (no cure) where <paramref name="cure"/> ran: the
    /// same slice, beta, rate and ||Z0||, the baseline the cure changes.</summary>
    public bool IsBaselineOf(CellRow cure) =>
        Cure is null && Slice == cure.Slice && Beta == cure.Beta && Eta == cure.Eta && Z0 == cure.Z0;

    public static readonly string[] Statuses = [Complete, Diverged, Failed, Unreadable];

    /// <summary>Diverged, failed and unreadable cells: figures mark them, never drop them.</summary>
    public bool IsBroken => Status != Complete;

    public string Z0Label => Z0 is { } z ? Axis.FormatNumber(z) : "init";

    /// <summary>What a line of a figure stands for besides beta and the learning rate: ||Z0|| and the extra axes.</summary>
    public string Series => $"‖Z0‖={Z0Label}" + (Variant.Length > 0 ? $", {Variant}" : "");

    public static CellRow Of(StoredRecord stored)
    {
        if (stored.Record is not { } record)
            return Unplaced(stored, Harness.Cell.FromId(stored.Cell)) with { Status = Unreadable, Problem = stored.Problem };
        var cell = record.Point;
        return new CellRow(stored.Experiment, stored.Tier, stored.Cell, stored.Path,
            cell.Beta, cell.Eta, cell.EtaTilde, cell.LogitScale, cell.Seed,
            cell.Variant(), record.Status.ToString().ToLowerInvariant(), record.DivergenceStep, AccuracyOf(record), FinalLossOf(record),
            (record.EndedAt - record.StartedAt).TotalSeconds,
            stored.Problem ?? record.Error, record.Curves.GetValueOrDefault("train_loss"))
        {
            ValAccuracy = record.Status == RunStatus.Complete && record.Curves.TryGetValue("val_accuracy", out var val) ? LastFinite(val) : null,
            TLearn = Scalar(record, "t_learn"),
            TLearnCensoring = record.Scalars.TryGetValue("t_learn_censored", out double c) ? (int)c : null,
            TLearnBound = Scalar(record, "t_learn_bound"),
            Ece = Scalar(record, "test_ece"),
            EceTStar = Scalar(record, "test_ece_t_star"),
            TStar = Scalar(record, "t_star"),
            Cure = CureScan.Of(cell),
            CureName = CureScan.Of(cell) is { } cure ? CureScan.Parse(cure).Name : null,
            Slice = cell.Variant(except: CureScan.Axis),
            Entropy = record.Curves.GetValueOrDefault("entropy"),
            TSaturate = record.Scalars.GetValueOrDefault("t_saturate_censored", double.NaN) == 0 ? Scalar(record, "t_saturate") : null,
            EntropyLaw = Scalar(record, "entropy_cov_ratio_median") is { } median && Scalar(record, "entropy_cov_ratio_q25") is { } q25
                && Scalar(record, "entropy_cov_ratio_q75") is { } q75 ? (median, q25, q75) : null,
        };
    }

    static double? Scalar(RunRecord record, string name) =>
        record.Scalars.TryGetValue(name, out double v) && double.IsFinite(v) ? v : null;

    static double? AccuracyOf(RunRecord record)
    {
        // A diverged run's only evaluations are from before it diverged (step 0: chance): no accuracy.
        if (record.Status == RunStatus.Diverged) return null;
        foreach (string name in new[] { "final_test_accuracy", "test_accuracy" })
            if (record.Scalars.TryGetValue(name, out double v) && double.IsFinite(v)) return v;
        return record.Curves.TryGetValue("test_accuracy", out var curve) ? LastFinite(curve) : null;
    }

    static double? FinalLossOf(RunRecord record) =>
        record.Curves.TryGetValue("train_loss", out var curve) ? LastFinite(curve)
        : record.Scalars.TryGetValue("final_train_loss", out double v) && double.IsFinite(v) ? v : null;

    static double? LastFinite(Curve curve) => curve.Values.Where(double.IsFinite).Select(v => (double?)v).LastOrDefault();

    /// <summary>An unreadable file's row: its cell from the file's name, when that is a cell id,
    /// so that figures can still place it.</summary>
    static CellRow Unplaced(StoredRecord stored, Cell? cell) =>
        new(stored.Experiment, stored.Tier, stored.Cell, stored.Path, cell?.Beta, cell?.Eta, cell?.EtaTilde, cell?.LogitScale,
            cell?.Seed, cell?.Variant() ?? "", Unreadable, null, null, null, null, null, null);
}
