using System.Text.RegularExpressions;
using Repro.Dynamics;

namespace Repro.Harness;

/// <summary>One cure for early saturation compared with beta (its name, the experiment's to
/// interpret) and the values of its main knob the comparison scans.</summary>
public sealed record CureVariant(string Name, IReadOnlyList<double> Knobs);

/// <summary>
/// The comparison of beta with the other cures for early softmax saturation: once every slice of the
/// grid's <see cref="EtaScan"/> has found its eta*, each cure runs with each of its knob values at
/// beta = 1 and at the slice's best beta (the highest mean validation accuracy at eta*; ties to the
/// lower beta), at that beta's eta* and the scan's ||Z0||, every seed. A cure cell is its slice's
/// cell with one more extra axis, <see cref="Axis"/> = "noisy0.1" (the cure's name, then its knob).
/// The cures' own knobs are chosen later by validation accuracy, as eta* is (<see cref="ClaimsTable"/>).
/// </summary>
public sealed partial record CureScan(IReadOnlyList<CureVariant> Variants)
{
    public const string Axis = "cure";

    /// <summary>The betas the cures run at, given each beta's score at its eta* (NaN: none yet).</summary>
    public static IReadOnlyList<double> Betas(IReadOnlyList<(double Beta, double Score)> optima)
    {
        var scored = optima.Where(o => double.IsFinite(o.Score)).OrderBy(o => o.Beta).ToList();
        if (scored.Count == 0) return [];
        double best = scored.First(o => o.Score == scored.Max(s => s.Score)).Beta;
        return new[] { 1.0, best }.Where(b => optima.Any(o => o.Beta == b)).Distinct().Order().ToList();
    }

    /// <summary>The cure comparison's value of <paramref name="cell"/> ("noisy0.1"); null for a grid's own cell.</summary>
    public static string? Of(Cell cell) => cell.Extra.Where(kv => kv.Key == Axis).Select(kv => kv.Value as string).FirstOrDefault();

    public static string Value(string name, double knob) => name + Harness.Axis.FormatNumber(knob);

    /// <summary>A cure axis value read back: its name and knob.</summary>
    public static (string Name, double Knob) Parse(string value)
    {
        var m = ValuePattern().Match(value);
        return m.Success && double.TryParse(m.Groups[2].Value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double knob)
            ? (m.Groups[1].Value, knob)
            : throw new FormatException($"cure '{value}' is not a cure's name followed by its knob (noisy0.1)");
    }

    internal void Validate(Grid grid)
    {
        if (grid.Scan is null) throw new ArgumentException("grid: a cure comparison runs at each beta's eta*, so it needs an eta scan");
        if (Variants.Count == 0) throw new ArgumentException("grid: the cure comparison has no cure");
        foreach (var v in Variants)
        {
            if (!NamePattern().IsMatch(v.Name)) throw new ArgumentException($"grid: cure name '{v.Name}' must be lower-case letters");
            if (v.Knobs.Count == 0 || v.Knobs.Any(k => !(k > 0) || double.IsInfinity(k)))
                throw new ArgumentException($"grid: cure '{v.Name}' needs knob values that are finite numbers > 0");
        }
        if (grid.Extra.Any(a => a.Name == Axis)) throw new ArgumentException($"extra grid axis '{Axis}' clashes with the cure comparison's");
    }

    [GeneratedRegex("^([a-z]+)([0-9].*)$")]
    private static partial Regex ValuePattern();

    [GeneratedRegex("^[a-z]+$")]
    private static partial Regex NamePattern();
}
