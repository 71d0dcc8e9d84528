using System.Globalization;
using Repro.Harness;

namespace Repro.Cli.Running;

/// <summary>
/// Which cells of a grid a run takes: for some axes, the values to keep (`--beta 0.1,1`,
/// `--z0 init,10`, `--axis net=mlp`); a cell is kept when it matches on every axis named.
/// Numbers match within a relative 1e-9 (so `--eta 100` finds eta = eta~ / beta^2 whatever its
/// last bit), booleans and strings as they read in cell ids. A value that matches no cell is an
/// error, never an empty run: it is almost always a typo.
/// </summary>
public sealed class CellFilter
{
    readonly List<(string Axis, IReadOnlyList<string> Values)> terms = [];

    public bool IsEmpty => terms.Count == 0;

    /// <summary>Adds `--name v1,v2` (no-op for a null option).</summary>
    public CellFilter Add(string axis, string? values)
    {
        if (values is null) return this;
        var list = values.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (list.Length == 0) throw new UsageException($"--{axis} '{values}': give one or more values separated by commas (e.g. --{axis} {Example(axis)})");
        terms.Add((axis, list));
        return this;
    }

    /// <summary>Adds `--axis name=v1,v2`.</summary>
    public CellFilter AddAxis(string term)
    {
        int equals = term.IndexOf('=');
        if (equals <= 0) throw new UsageException($"--axis '{term}' is not of the form name=v1,v2 (e.g. --axis net=mlp,cnn, or a built-in axis: --axis beta=0.1,1)");
        return Add(term[..equals].Trim(), term[(equals + 1)..]);
    }

    /// <summary>The cells that match every term, in grid order; an error names the term, the
    /// grid (<paramref name="where"/>) and the values it has. Not <paramref name="strict"/> (the
    /// cells an eta scan asks for next), no match is no error.</summary>
    public IReadOnlyList<Cell> Apply(IReadOnlyList<Cell> cells, string where, bool strict = true)
    {
        if (cells.Count == 0) return cells;
        if (strict) CheckTerms(cells, where);
        var kept = cells.Where(c => terms.All(t => t.Values.Any(v => Matches(ValueOf(c, t.Axis), Parse(t.Axis, v, ValueOf(c, t.Axis)))))).ToList();
        if (strict && kept.Count == 0)
            throw new UsageException($"no cell of {where} has {string.Join(" together with ", terms.Select(t => $"{t.Axis}={string.Join(",", t.Values)}"))}");
        return kept;
    }

    /// <summary>Every term names an axis of the grid and each of its values is on that axis.</summary>
    void CheckTerms(IReadOnlyList<Cell> cells, string where)
    {
        var axes = Cell.IdKeys.All.Concat(cells[0].Extra.Select(kv => kv.Key)).ToList();
        foreach (var (axis, values) in terms)
        {
            if (!axes.Contains(axis))
                throw new UsageException($"{where} has no grid axis '{axis}' (axes: {string.Join(", ", axes)})");
            var present = cells.Select(c => ValueOf(c, axis)).DistinctBy(Show).ToList();
            foreach (string value in values)
            {
                var wanted = Parse(axis, value, present[0]);
                if (!present.Any(p => Matches(p, wanted)))
                    throw new UsageException($"no cell of {where} has {axis}={value} ({axis} values: {string.Join(", ", present.Select(Show))})");
            }
        }
    }

    /// <summary>The cell's value on an axis: a number, bool, string, or null (z0 of the model's own initialization).</summary>
    static object? ValueOf(Cell cell, string axis) => axis switch
    {
        Cell.IdKeys.Beta => cell.Beta,
        Cell.IdKeys.EtaTilde => cell.EtaTilde,
        Cell.IdKeys.Eta => cell.Eta,
        Cell.IdKeys.LogitScale => cell.LogitScale,
        Cell.IdKeys.Seed => cell.Seed,
        _ => cell.Extra.First(kv => kv.Key == axis).Value,
    };

    /// <summary>A filter value in the type of the axis (as <paramref name="sample"/> has it).</summary>
    static object? Parse(string axis, string text, object? sample)
    {
        if (axis == Cell.IdKeys.LogitScale && text == "init") return null;
        switch (sample)
        {
            case double or int or long or null:
                return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double d)
                    ? d
                    : throw new UsageException($"--{axis} '{text}' is not a number (a comma-separated list, e.g. --{axis} {Example(axis)})");
            case bool:
                return bool.TryParse(text, out bool b) ? b : throw new UsageException($"--axis {axis}='{text}' is not true or false");
            default:
                return text;
        }
    }

    static bool Matches(object? value, object? wanted) => (value, wanted) switch
    {
        (null, null) => true,
        (null, _) or (_, null) => false,
        (double or int or long, double w) => Close(Convert.ToDouble(value, CultureInfo.InvariantCulture), w),
        _ => Axis.Format(value) == Axis.Format(wanted),
    };

    static bool Close(double a, double b) => Math.Abs(a - b) <= 1e-9 * Math.Max(Math.Abs(a), Math.Abs(b));

    static string Show(object? value) => value is null ? "init" : Axis.Format(value);

    static string Example(string axis) => axis switch { "seed" => "0,1", "z0" => "init,10", _ => "0.1,1" };
}
