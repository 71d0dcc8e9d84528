namespace Repro.Harness;

/// <summary>
/// The learning-rate axis of a grid. The paper's natural coordinate is eta~ = eta * beta^2
/// (runs at equal eta~ coincide early on); a grid may also give eta itself, or eta~ values that
/// depend on beta (a per-beta tuning range).
/// </summary>
public sealed class LearningRates
{
    readonly Func<double, IReadOnlyList<double>> values;

    /// <summary>True when the values are eta~ (cell ids say `etat=`), false when eta (`eta=`).</summary>
    public bool IsEtaTilde { get; }

    LearningRates(bool isEtaTilde, Func<double, IReadOnlyList<double>> values) =>
        (IsEtaTilde, this.values) = (isEtaTilde, values);

    public static LearningRates EtaTilde(params double[] etaTilde) => new(true, _ => etaTilde);
    public static LearningRates Eta(params double[] eta) => new(false, _ => eta);
    public static LearningRates EtaTildePerBeta(Func<double, double[]> etaTilde) => new(true, beta => etaTilde(beta));

    /// <summary>The values for one beta, in the axis's own coordinate (eta~ or eta).</summary>
    public IReadOnlyList<double> For(double beta) => values(beta);
}
