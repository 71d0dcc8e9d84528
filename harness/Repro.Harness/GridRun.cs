namespace Repro.Harness;

/// <summary>
/// Runs a whole grid: its cells, then, with an <see cref="EtaScan"/>, round after round of the cells
/// the scan asks for until it is done. One path for the NUnit fixtures and `repro sweep`.
/// </summary>
public static class GridRun
{
    /// <summary>Every record of the grid in the order run. <paramref name="run"/> runs (or reuses)
    /// one cell; <paramref name="round"/> hears of each scan round before it runs.</summary>
    public static IReadOnlyList<RunRecord> Complete(Grid grid, Func<Cell, RunRecord> run, Action<int, IReadOnlyList<Cell>>? round = null)
    {
        var records = new Dictionary<string, RunRecord>();
        var order = new List<RunRecord>();
        void RunAll(IEnumerable<Cell> cells)
        {
            foreach (var cell in cells)
            {
                var record = run(cell);
                records[cell.Id] = record;
                order.Add(record);
            }
        }
        RunAll(grid.Cells());
        for (int i = 1; ; i++)
        {
            var next = grid.ScanNext(records.GetValueOrDefault);
            if (next.Count == 0) return order;
            if (next.FirstOrDefault(c => records.ContainsKey(c.Id)) is { } again)
                throw new InvalidOperationException($"eta scan asked for {again.Id} again after it ran");
            round?.Invoke(i, next);
            RunAll(next);
        }
    }
}
