using System.Globalization;
using System.Text;

namespace Repro.Harness;

/// <summary>One line of a golden comparison. Expected is null for an extra quantity (the run
/// produced it, the snapshot lacks it), Actual for a missing one.</summary>
public sealed record GoldenRow(string Quantity, double? Expected, double? Actual, Tolerance Tolerance)
{
    public bool Passed => Expected is { } e && Actual is { } a && Tolerance.Accepts(e, a);

    public string Verdict => (Expected, Actual) switch
    {
        (null, _) => "extra",
        (_, null) => "missing",
        _ => Passed ? "ok" : "MOVED",
    };
}

/// <summary>A run's quantities held against a golden snapshot, quantity by quantity.</summary>
public sealed class GoldenComparison
{
    public IReadOnlyList<GoldenRow> Rows { get; }
    public bool Passed => Rows.All(r => r.Passed);

    public GoldenComparison(IReadOnlyList<GoldenQuantity> expected, IReadOnlyList<GoldenQuantity> actual)
    {
        var rows = new List<GoldenRow>();
        var actualByName = actual.ToDictionary(q => q.Name);
        foreach (var e in expected)
            rows.Add(new GoldenRow(e.Name, e.Value, actualByName.TryGetValue(e.Name, out var a) ? a.Value : null, e.Tolerance));
        var expectedNames = expected.Select(q => q.Name).ToHashSet();
        foreach (var a in actual.Where(a => !expectedNames.Contains(a.Name)))
            rows.Add(new GoldenRow(a.Name, null, a.Value, a.Tolerance));
        Rows = rows;
    }

    /// <summary>quantity, expected, actual, allowed (atol + rtol |expected|), relative difference,
    /// verdict; of every row, or of those <paramref name="include"/> selects.</summary>
    public string Table(Func<GoldenRow, bool>? include = null)
    {
        var lines = new List<string[]> { new[] { "quantity", "expected", "actual", "allowed", "rel. diff", "" } };
        foreach (var r in Rows.Where(include ?? (_ => true)))
            lines.Add([
                r.Quantity, Show(r.Expected), Show(r.Actual),
                r.Expected is { } e ? Show(r.Tolerance.Allowed(e)) : "-",
                r is { Expected: { } x, Actual: { } y } ? Relative(x, y) : "-",
                r.Verdict,
            ]);
        int[] widths = Enumerable.Range(0, 6).Select(i => lines.Max(l => l[i].Length)).ToArray();
        var text = new StringBuilder();
        foreach (var l in lines)
            text.AppendLine(string.Join("  ", l.Select((cell, i) => i == 0 ? cell.PadRight(widths[i]) : cell.PadLeft(widths[i]))).TrimEnd());
        return text.ToString();
    }

    static string Show(double? v) => v is { } d ? d.ToString("G9", CultureInfo.InvariantCulture) : "-";

    static string Relative(double expected, double actual)
    {
        if (double.IsNaN(expected) || double.IsNaN(actual) || double.IsInfinity(expected) || double.IsInfinity(actual))
            return expected.Equals(actual) ? "0" : "inf";
        double diff = Math.Abs(actual - expected);
        if (diff == 0) return "0";
        return expected == 0 ? "inf" : (diff / Math.Abs(expected)).ToString("G3", CultureInfo.InvariantCulture);
    }
}
