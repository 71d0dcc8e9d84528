using System.Globalization;

namespace Repro.Experiments;

/// <summary>
/// What is wrong with a settings record, one "name = value: what is allowed" per problem, found
/// when the settings are made (at `--set` time, before any cell), so that an impossible setting
/// never becomes a record of any status. Names are the settings' JSON paths (recipe.steps).
/// </summary>
public sealed class SettingProblems : List<string>
{
    public SettingProblems Positive(string name, double value) => Require(value > 0, name, value, "must be > 0");

    public SettingProblems NotNegative(string name, double value) => Require(value >= 0, name, value, "must be >= 0");

    public SettingProblems Within(string name, double value, double low, double high) =>
        Require(value >= low && value <= high, name, value, $"must be in [{Text(low)}, {Text(high)}]");

    public SettingProblems Require(bool ok, string name, object value, string allowed)
    {
        if (!ok) Add($"{name} = {Text(value)}: {allowed}");
        return this;
    }

    public static string Text(object value) => value switch
    {
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        double[] a => $"[{string.Join(", ", a.Select(x => Text(x)))}]",
        long[] a => $"[{string.Join(", ", a)}]",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "null",
    };
}
