using System.Globalization;
using System.Text;

namespace Repro.Cli.Export;

/// <summary>RFC 4180 CSV: a header row, then one row per cell; numbers in invariant round-trip form
/// (NaN and Infinity spelled so, as pandas and R read them), a missing value empty.</summary>
public static class CsvExport
{
    public static string Write(TidyTable table)
    {
        var text = new StringBuilder();
        text.AppendJoin(',', table.Columns.Select(Quote)).Append('\n');
        foreach (var row in table.Rows)
            text.AppendJoin(',', table.Columns.Select(c => Field(row.GetValueOrDefault(c)))).Append('\n');
        return text.ToString();
    }

    static string Field(object? value) => value switch
    {
        null => "",
        double d => double.IsNaN(d) ? "NaN" : double.IsPositiveInfinity(d) ? "Inf" : double.IsNegativeInfinity(d) ? "-Inf" : d.ToString("R", CultureInfo.InvariantCulture),
        _ => Quote(value.ToString()!),
    };

    static string Quote(string s) =>
        s.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? $"\"{s.Replace("\"", "\"\"")}\"" : s;
}
