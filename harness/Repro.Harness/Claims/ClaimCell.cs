using System.Text.Json.Nodes;

using Repro.Dynamics;
using Repro.Training;

namespace Repro.Harness;

/// <summary>What the claims read of one run record.</summary>
public sealed record ClaimCell(
    double Beta,
    double Rate,          // the grid's learning-rate coordinate (eta~ or eta, as the grid gives it)
    double Eta,
    double? Z0Target,     // the grid's ||Z0|| (null: the model's own initialization)
    double Z0,            // the target, or the measured ||Z0|| of an initialization
    int Seed,
    string Variant,       // the extra axes ("bn=true"), "" without any
    bool Diverged,
    double TestAccuracy,  // final test accuracy
    double Ece,
    double EceTStar,
    double TLearn,        // NaN when censored or absent
    double Score)         // what the eta scan selects by (EtaScan.Score: validation accuracy, 0 when diverged or failed)
{
    /// <summary>The cure comparison's value for this cell ("noisy0.1", <see cref="CureScan"/>); null for the grid's own cells.</summary>
    public string? Cure { get; init; }

    /// <summary>The cure's name without its knob ("noisy"); null for the grid's own cells.</summary>
    public string? CureName { get; init; }

    /// <summary>t_saturate: when the mean entropy fell to ln K / 2 (NaN when censored or absent).</summary>
    public double TSaturate { get; init; } = double.NaN;

    /// <summary>How t_saturate is censored (<see cref="Censoring"/>: Left, at or before the first
    /// probe; Right, not within the run) and the probe step it is censored at; null without one.</summary>
    public (Censoring Censoring, double Bound)? TSaturateCensored { get; init; }

    public static ClaimCell From(RunRecord r)
    {
        var cell = r.Point;
        double Scalar(string name) => r.Scalars.GetValueOrDefault(name, double.NaN);
        double saturation = Scalar("t_saturate_censored");
        // A cure cell belongs to its slice's variant: the cure is told apart by Cure.
        return new ClaimCell(cell.Beta, cell.LearningRateIsEtaTilde ? cell.EtaTilde : cell.Eta, cell.Eta, cell.LogitScale,
            cell.LogitScale ?? Scalar("z0_norm"), cell.Seed, cell.Variant(",", except: CureScan.Axis),
            r.Status == RunStatus.Diverged,
            r.Status == RunStatus.Complete ? Scalar("final_test_accuracy") : double.NaN,
            Scalar("test_ece"), Scalar("test_ece_t_star"), Scalar("t_learn"), EtaScan.Score(r))
        {
            Cure = CureScan.Of(cell),
            CureName = CureScan.Of(cell) is { } cure ? CureScan.Parse(cure).Name : null,
            TSaturate = saturation == 0 ? Scalar("t_saturate") : double.NaN,
            TSaturateCensored = (saturation is -1 or 1) && double.IsFinite(Scalar("t_saturate_bound")) ? ((Censoring)(int)saturation, Scalar("t_saturate_bound")) : null,
        };
    }
}
