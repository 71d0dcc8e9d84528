namespace Repro.Harness;

/// <summary>
/// Runs a whole grid: its cells, then, with an <see cref="EtaScan"/>, round after round of the cells
/// the scan asks for until it is done. One path for the NUnit fixtures and `repro sweep`.
/// </summary>
public static class GridRun
{
    /// <summary>
    /// Every record of the grid in the order run. <paramref name="runRound"/> runs (or reuses) one
    /// round's cells (round 0: the grid's own; then those the scan asks for) and returns their records;
    /// it may run fewer (a filter, a shard, a cancellation). The run ends when the scan asks for
    /// nothing more or a round returns no record.
    /// </summary>
    public static IReadOnlyList<RunRecord> Complete(Grid grid, Func<int, IReadOnlyList<Cell>, IEnumerable<RunRecord>> runRound)
    {
        var records = new Dictionary<string, RunRecord>();
        var order = new List<RunRecord>();
        var cells = grid.Cells();
        for (int round = 0; cells.Count > 0; round++)
        {
            if (cells.FirstOrDefault(c => records.ContainsKey(c.Id)) is { } again)
                throw new InvalidOperationException($"eta scan asked for {again.Id} again after it ran");
            int before = order.Count;
            foreach (var record in runRound(round, cells))
            {
                records[record.Cell] = record;
                order.Add(record);
            }
            if (order.Count == before) break;
            cells = grid.ScanNext(records.GetValueOrDefault);
        }
        return order;
    }

    /// <summary>What a round after the first runs, for progress lines: "eta scan round 2", or
    /// "cure comparison" once the scan is done and the round is the cures' (<see cref="CureScan"/>).</summary>
    public static string RoundName(int round, IReadOnlyList<Cell> cells) =>
        cells.Count > 0 && cells.All(c => CureScan.Of(c) is not null) ? "cure comparison" : $"eta scan round {round}";
}
