using System.Globalization;
using System.Text.Json.Nodes;
using Repro.Harness;

namespace Repro.Cli.Export;

/// <summary>
/// Every record of a results folder as one table, one row per cell: where it is (experiment, tier,
/// cell, status, ...), its axes (`cell.beta`, `cell.etaTilde`, `cell.bn`, ...), its settings flattened
/// to paths (`settings.recipe.steps`; arrays as JSON text), its scalars, the last value of each of its
/// curves (`last.val_accuracy`) and its notes (`note.ntk`). A missing value is null; an unreadable
/// record is a row with its status `unreadable` and the reason in `error`, never dropped.
/// </summary>
public sealed class TidyTable
{
    public IReadOnlyList<string> Columns { get; }
    public IReadOnlyList<IReadOnlyDictionary<string, object?>> Rows { get; }

    TidyTable(IReadOnlyList<string> columns, IReadOnlyList<IReadOnlyDictionary<string, object?>> rows) => (Columns, Rows) = (columns, rows);

    static readonly string[] Leading = ["experiment", "tier", "cell", "status", "seed", "config_hash", "code_fingerprint", "started_at", "seconds", "divergence_step", "error", "path"];

    public static TidyTable Of(IEnumerable<StoredRecord> stored)
    {
        var rows = stored.Select(Row).ToList();
        // Columns by group, in a fixed order: the leading ones, then axes, settings, scalars, curves, notes.
        string[] groups = ["cell.", "settings.", "scalar.", "last.", "note."];
        var rest = rows.SelectMany(r => r.Keys).Distinct().Where(k => !Leading.Contains(k)).ToList();
        var columns = Leading.Concat(groups.SelectMany(g => rest.Where(k => k.StartsWith(g, StringComparison.Ordinal)).Order(StringComparer.Ordinal))).ToList();
        return new TidyTable(columns, rows);
    }

    static Dictionary<string, object?> Row(StoredRecord s)
    {
        var row = new Dictionary<string, object?>
        {
            ["experiment"] = s.Experiment, ["tier"] = s.Tier, ["cell"] = s.Cell, ["path"] = s.Path,
        };
        if (s.Record is not { } r)
        {
            row["status"] = "unreadable";
            row["error"] = s.Problem;
            return row;
        }
        row["status"] = r.Status.ToString().ToLowerInvariant();
        row["seed"] = (double)r.Seed;
        row["config_hash"] = r.ConfigHash;
        row["code_fingerprint"] = r.CodeFingerprint;
        row["started_at"] = r.StartedAt.ToString("O", CultureInfo.InvariantCulture);
        row["seconds"] = (r.EndedAt - r.StartedAt).TotalSeconds;
        row["divergence_step"] = r.DivergenceStep is { } d ? (double)d : null;
        row["error"] = r.Error?.Split('\n')[0];
        if (r.Config["cell"] is JsonObject cell) Flatten(cell, "cell", row);
        if (r.Config["settings"] is JsonObject settings) Flatten(settings, "settings", row);
        foreach (var (name, value) in r.Scalars) row[$"scalar.{name}"] = value;
        foreach (var (name, curve) in r.Curves)
            if (curve.Values.Count > 0) row[$"last.{name}"] = curve.Values[^1];
        foreach (var (name, note) in r.Notes) row[$"note.{name}"] = note;
        return row;
    }

    static void Flatten(JsonObject node, string prefix, Dictionary<string, object?> row)
    {
        foreach (var (key, value) in node)
        {
            string name = $"{prefix}.{key}";
            switch (value)
            {
                case null: row[name] = null; break;
                case JsonObject o: Flatten(o, name, row); break;
                case JsonArray a: row[name] = a.ToJsonString(); break;
                case JsonValue v when v.TryGetValue(out double d): row[name] = d; break;
                case JsonValue v when v.TryGetValue(out bool b): row[name] = b ? "true" : "false"; break;
                case JsonValue v when v.TryGetValue(out string? text): row[name] = text; break;
                default: row[name] = value.ToJsonString(); break;
            }
        }
    }

    /// <summary>True when every value of the column that is present is a number (it is written as one).</summary>
    public bool IsNumeric(string column) => Rows.All(r => !r.TryGetValue(column, out var v) || v is null or double);
}
