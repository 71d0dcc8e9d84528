using System.Globalization;
using System.Text.RegularExpressions;

namespace Repro.Harness;

/// <summary>An extra grid axis beside beta, learning rate, logit scale and seed (for example
/// `bn` = true / false). Values are numbers, booleans or strings.</summary>
public sealed partial class Axis
{
    public string Name { get; }
    public IReadOnlyList<object> Values { get; }

    public Axis(string name, params object[] values)
    {
        if (!NamePattern().IsMatch(name))
            throw new ArgumentException($"grid axis name '{name}' must be lower-case letters and digits, starting with a letter", nameof(name));
        if (values.Length == 0) throw new ArgumentException($"grid axis '{name}' has no values", nameof(values));
        foreach (var v in values)
            if (v is not (bool or int or long or double or string))
                throw new ArgumentException($"grid axis '{name}': value {v} of type {v?.GetType().Name ?? "null"} is not a number, bool or string", nameof(values));
        if (values.Select(Format).Distinct().Count() != values.Length)
            throw new ArgumentException($"grid axis '{name}' repeats a value", nameof(values));
        (Name, Values) = (name, values);
    }

    /// <summary>How a value reads in a cell id: shortest round-trip invariant numbers, lower-case bools.</summary>
    public static string Format(object value) => value switch
    {
        bool b => b ? "true" : "false",
        int i => i.ToString(CultureInfo.InvariantCulture),
        long l => l.ToString(CultureInfo.InvariantCulture),
        double d => FormatNumber(d),
        string s => s,
        _ => throw new ArgumentException($"unsupported axis value {value}"),
    };

    public static string FormatNumber(double d) => d.ToString("R", CultureInfo.InvariantCulture).Replace('E', 'e');

    [GeneratedRegex("^[a-z][a-z0-9]*$")]
    private static partial Regex NamePattern();
}
