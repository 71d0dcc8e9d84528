using Repro.Dynamics;

namespace Repro.Harness;

/// <summary>
/// An experiment's grid for one tier, declared as data: beta x learning rate x initial logit
/// scale x extra axes x seed. <see cref="Cells"/> expands it in that order (seed varies fastest).
/// With a <see cref="Scan"/>, the learning rates per beta are where an adaptive scan starts:
/// <see cref="Cells"/> are its first cells, <see cref="ScanState"/> says what it needs next.
/// </summary>
public sealed class Grid
{
    public required IReadOnlyList<double> Betas { get; init; }
    public required LearningRates LearningRates { get; init; }
    /// <summary>Target ||Z0|| values; null stands for the model's own initialization.</summary>
    public IReadOnlyList<double?> LogitScales { get; init; } = [null];
    public IReadOnlyList<int> Seeds { get; init; } = [0];
    public IReadOnlyList<Axis> Extra { get; init; } = [];
    /// <summary>The learning-rate axis as an adaptive scan (null: the rates as given, every ||Z0||).</summary>
    public EtaScan? Scan { get; init; }
    /// <summary>The other cures for early saturation, run once the scan is done (null: none).</summary>
    public CureScan? Cures { get; init; }

    /// <summary>The grid's cells; with a scan, the cells it starts with.</summary>
    public IReadOnlyList<Cell> Cells()
    {
        Validate();
        var cells = new List<Cell>();
        foreach (double beta in Betas)
            foreach (double lr in StartRates(beta))
                foreach (double? z0 in Scan is null ? LogitScales : [Scan.At])
                    foreach (var extra in ExtraCombinations(0))
                        foreach (int seed in Seeds)
                            cells.Add(NewCell(beta, lr, z0, seed, extra));
        var repeated = cells.GroupBy(c => c.Id).FirstOrDefault(g => g.Count() > 1);
        if (repeated is not null) throw new ArgumentException($"grid has the cell {repeated.Key} more than once (a value repeats on some axis)");
        return cells;
    }

    /// <summary>
    /// Where each slice of the scan stands, given the records found so far (<paramref name="finished"/>
    /// maps a cell id to its record, null when it has not run). Empty without a scan.
    /// </summary>
    public IReadOnlyList<ScanSlice> ScanState(Func<string, RunRecord?> finished)
    {
        if (Scan is null) return [];
        Validate();
        var slices = new List<ScanSlice>();
        foreach (double beta in Betas)
            foreach (var extra in ExtraCombinations(0))
                slices.Add(SliceState(beta, extra, finished));
        return slices;
    }

    /// <summary>The cells the scan needs next, in grid order, then, once it is done, those of the
    /// cure comparison; empty when both are done (or there is no scan).</summary>
    public IReadOnlyList<Cell> ScanNext(Func<string, RunRecord?> finished)
    {
        var slices = ScanState(finished);
        var pending = slices.SelectMany(s => s.Pending).ToList();
        if (pending.Count > 0 || Cures is null) return pending;
        return CureCells(slices).Where(c => finished(c.Id) is null).ToList();
    }

    /// <summary>The cure comparison's cells (<see cref="CureScan"/>): per value of the extra axes, at
    /// beta = 1 and the best beta, each at its eta*.</summary>
    IEnumerable<Cell> CureCells(IReadOnlyList<ScanSlice> slices)
    {
        foreach (var extra in ExtraCombinations(0))
        {
            var mine = slices.Where(s => s.Extra.SequenceEqual(extra)).ToList();
            var optima = mine.Select(s => (s.Beta, Score: s.Best is { } b ? s.Scores[s.Rates.ToList().IndexOf(b)] : double.NaN)).ToList();
            foreach (double beta in CureScan.Betas(optima))
            {
                double rate = mine.First(s => s.Beta == beta).Best!.Value;
                foreach (var cure in Cures!.Variants)
                    foreach (double knob in cure.Knobs)
                        foreach (int seed in Seeds)
                            yield return NewCell(beta, rate, Scan!.At, seed, [.. extra, new(CureScan.Axis, CureScan.Value(cure.Name, knob))]);
            }
        }
    }

    /// <summary>Every cell the grid could ever run: with a scan, each slice's whole lattice of rates
    /// (the start, and <see cref="EtaScan.MaxExtensions"/> steps beyond each edge) at every ||Z0||.</summary>
    public IReadOnlyList<Cell> Candidates()
    {
        if (Scan is null) return Cells();
        Validate();
        var cells = new List<Cell>();
        foreach (double beta in Betas)
        {
            var start = StartRates(beta);
            var lattice = Enumerable.Range(1, Scan.MaxExtensions).Reverse().Select(k => Below(start, k))
                .Concat(start).Concat(Enumerable.Range(1, Scan.MaxExtensions).Select(k => Above(start, k)));
            foreach (double lr in lattice)
            {
                foreach (double? z0 in LogitScales)
                    foreach (var extra in ExtraCombinations(0))
                        foreach (int seed in Seeds)
                            cells.Add(NewCell(beta, lr, z0, seed, extra));
                if (Cures is null) continue;
                foreach (var extra in ExtraCombinations(0))
                    foreach (var cure in Cures.Variants)
                        foreach (double knob in cure.Knobs)
                            foreach (int seed in Seeds)
                                cells.Add(NewCell(beta, lr, Scan.At, seed, [.. extra, new(CureScan.Axis, CureScan.Value(cure.Name, knob))]));
            }
        }
        return cells;
    }

    ScanSlice SliceState(double beta, IReadOnlyList<KeyValuePair<string, object>> extra, Func<string, RunRecord?> finished)
    {
        var scan = Scan!;
        var start = StartRates(beta);
        var rates = new List<double>(start);
        int below = 0, above = 0;
        while (true)
        {
            var scanCells = rates.Select(lr => Seeds.Select(seed => NewCell(beta, lr, scan.At, seed, extra)).ToList()).ToList();
            var pending = scanCells.SelectMany(c => c).Where(c => finished(c.Id) is null).ToList();
            var scores = scanCells.Select(cells => cells.Any(c => finished(c.Id) is null) ? double.NaN : cells.Average(c => EtaScan.Score(finished(c.Id)))).ToList();
            if (pending.Count > 0) return new ScanSlice(beta, extra, rates.ToList(), scores, null, Censoring.None, pending);
            var (best, censoring) = EtaScan.Best(scores);
            if (censoring == Censoring.Left && below < scan.MaxExtensions) { rates.Insert(0, Below(start, ++below)); continue; }
            if (best == rates.Count - 1 && above < scan.MaxExtensions) { rates.Add(Above(start, ++above)); continue; }
            var atBest = LogitScales.Where(z0 => z0 != scan.At)
                .SelectMany(z0 => Seeds.Select(seed => NewCell(beta, rates[best], z0, seed, extra)))
                .Where(c => finished(c.Id) is null).ToList();
            return new ScanSlice(beta, extra, rates.ToList(), scores, rates[best], censoring, atBest);
        }
    }

    IReadOnlyList<double> StartRates(double beta)
    {
        var rates = LearningRates.For(beta);
        foreach (double lr in rates) Require(lr, LearningRates.IsEtaTilde ? "etaTilde" : "eta", $" (beta={Axis.FormatNumber(beta)})");
        if (Scan is null) return rates;
        if (rates.Count == 0) throw new ArgumentException($"grid: the eta scan at beta={Axis.FormatNumber(beta)} has no rate to start from");
        return rates.Order().ToList();
    }

    double Below(IReadOnlyList<double> start, int k) => start[0] / Math.Pow(Scan!.Ratio, k);
    double Above(IReadOnlyList<double> start, int k) => start[^1] * Math.Pow(Scan!.Ratio, k);

    Cell NewCell(double beta, double lr, double? z0, int seed, IReadOnlyList<KeyValuePair<string, object>> extra) =>
        new(beta, lr, LearningRates.IsEtaTilde, z0, seed, extra);

    void Validate()
    {
        if (Betas.Count == 0) throw new ArgumentException("grid has no beta values");
        foreach (double beta in Betas) Require(beta, "beta", "");
        foreach (double? z in LogitScales)
            if (z is { } z0) Require(z0, "logitScale", "");
        if (Seeds.Count == 0) throw new ArgumentException("grid has no seeds");
        var names = Extra.Select(a => a.Name).ToList();
        if (names.FirstOrDefault(n => Cell.IdKeys.All.Contains(n) || Cell.JsonKeys.All.Contains(n)) is { } clash) throw new ArgumentException($"extra grid axis '{clash}' clashes with a built-in axis");
        if (names.Distinct().Count() != names.Count) throw new ArgumentException("two extra grid axes have the same name");
        Scan?.Validate(this);
        Cures?.Validate(this);
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
