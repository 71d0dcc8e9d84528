using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Repro.Harness;

/// <summary>A claims table as a summary golden pins it (quantities), carries it (JSON rows) and prints it (text).</summary>
public static class ClaimsFormat
{
    /// <summary>`C3@bn=true` = value, with `_low`, `_high` and `_verdict` (0 consistent, 1 inconsistent,
    /// 2 inconclusive; pinned exactly).</summary>
    public static IEnumerable<Quantity> Quantities(string variant, IReadOnlyList<Claim> claims)
    {
        string at = variant.Length > 0 ? $"@{variant}" : "";
        var close = new Tolerance(1e-6, 1e-9);
        foreach (var c in claims)
        {
            yield return new($"{c.Id}{at}", c.Value, close);
            yield return new($"{c.Id}_low{at}", c.Low, close);
            yield return new($"{c.Id}_high{at}", c.High, close);
            yield return new($"{c.Id}_verdict{at}", (int)c.Verdict, new Tolerance(0, 0));
        }
    }

    public static JsonArray Json(IEnumerable<(string Variant, Claim Claim)> rows) =>
        new(rows.Select(r => (JsonNode)new JsonObject
        {
            ["variant"] = r.Variant,
            ["claim"] = r.Claim.Id,
            ["statement"] = r.Claim.Statement,
            ["measure"] = r.Claim.Measure,
            ["value"] = Number(r.Claim.Value),
            ["low"] = Number(r.Claim.Low),
            ["high"] = Number(r.Claim.High),
            ["verdict"] = VerdictRules.Name(r.Claim.Verdict),
            ["rule"] = r.Claim.Rule,
            ["cells"] = r.Claim.Cells,
        }).ToArray());

    /// <summary>One line per claim: id, value [low, high], verdict, statement; then what it used.</summary>
    public static string Text(string title, IEnumerable<(string Variant, Claim Claim)> rows)
    {
        var text = new StringBuilder();
        text.AppendLine(title);
        foreach (var group in rows.GroupBy(r => r.Variant))
        {
            if (group.Key.Length > 0) text.AppendLine($"  {group.Key}:");
            foreach (var (_, c) in group)
            {
                text.AppendLine($"  {c.Id,-4} {Fmt(c.Value),9} [{Fmt(c.Low)}, {Fmt(c.High)}]  {VerdictRules.Name(c.Verdict),-26} {c.Statement}");
                text.AppendLine($"       {c.Measure}; {c.Cells}");
            }
        }
        return text.ToString();
    }

    static JsonNode Number(double v) => double.IsFinite(v) ? JsonValue.Create(v) : JsonValue.Create(v.ToString(CultureInfo.InvariantCulture))!;

    static string Fmt(double v) => double.IsFinite(v) ? v.ToString("0.###", CultureInfo.InvariantCulture) : "n/a";
}
