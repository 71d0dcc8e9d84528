namespace Repro.Harness;

/// <summary>
/// An experiment's grid for one tier, declared as data: beta x learning rate x initial logit
/// scale x extra axes x seed. <see cref="Cells"/> expands it in that order (seed varies fastest).
/// </summary>
public sealed class Grid
{
    public required IReadOnlyList<double> Betas { get; init; }
    public required LearningRates LearningRates { get; init; }
    /// <summary>Target ||Z0|| values; null stands for the model's own initialization.</summary>
    public IReadOnlyList<double?> LogitScales { get; init; } = [null];
    public IReadOnlyList<int> Seeds { get; init; } = [0];
    public IReadOnlyList<Axis> Extra { get; init; } = [];

    public IReadOnlyList<Cell> Cells()
    {
        Validate();
        var cells = new List<Cell>();
        foreach (double beta in Betas)
            foreach (double lr in LearningRates.For(beta))
            {
                Require(lr, LearningRates.IsEtaTilde ? "etaTilde" : "eta", $" (beta={Axis.FormatNumber(beta)})");
                foreach (double? z0 in LogitScales)
                    foreach (var extra in ExtraCombinations(0))
                        foreach (int seed in Seeds)
                            cells.Add(new Cell(beta, lr, LearningRates.IsEtaTilde, z0, seed, extra));
            }
        var repeated = cells.GroupBy(c => c.Id).FirstOrDefault(g => g.Count() > 1);
        if (repeated is not null) throw new ArgumentException($"grid has the cell {repeated.Key} more than once (a value repeats on some axis)");
        return cells;
    }

    void Validate()
    {
        if (Betas.Count == 0) throw new ArgumentException("grid has no beta values");
        foreach (double beta in Betas) Require(beta, "beta", "");
        foreach (double? z in LogitScales)
            if (z is { } z0) Require(z0, "logitScale", "");
        if (Seeds.Count == 0) throw new ArgumentException("grid has no seeds");
        string[] reserved = ["beta", "eta", "etat", "z0", "seed"];
        var names = Extra.Select(a => a.Name).ToList();
        if (names.FirstOrDefault(reserved.Contains) is { } clash) throw new ArgumentException($"extra grid axis '{clash}' clashes with a built-in axis");
        if (names.Distinct().Count() != names.Count) throw new ArgumentException("two extra grid axes have the same name");
    }

    static void Require(double value, string axis, string where)
    {
        if (!(value > 0) || double.IsInfinity(value))
            throw new ArgumentOutOfRangeException(axis, value, $"grid axis {axis}{where}: {value} is not a finite number > 0");
    }

    IEnumerable<IReadOnlyList<KeyValuePair<string, object>>> ExtraCombinations(int axis)
    {
        if (axis == Extra.Count)
        {
            yield return [];
            yield break;
        }
        foreach (object value in Extra[axis].Values)
            foreach (var rest in ExtraCombinations(axis + 1))
                yield return [new(Extra[axis].Name, value), .. rest];
    }
}
