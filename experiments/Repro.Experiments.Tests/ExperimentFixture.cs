using System.Text.Json.Nodes;
using Repro.Harness;

using Repro.Training;

namespace Repro.Experiments.Tests;

/// <summary>
/// The base of every experiment fixture: one test case per cell of the selected tier
/// (REPRO_TIER; smoke when unset, so `dotnet test` runs the smoke tier and nothing longer).
/// Each case runs its cell through the result store (reusing a finished record of the same
/// configuration), applies the fixture's own checks, then compares the pinned quantities with
/// the cell's golden snapshot.
/// </summary>
public abstract class ExperimentFixture<TExperiment> where TExperiment : IExperiment, new()
{
    protected static readonly TExperiment Experiment = new();

    public static IEnumerable<TestCaseData> SmokeCells() => Cells(Tier.Smoke);
    public static IEnumerable<TestCaseData> ShortCells() => Cells(Tier.Short);
    public static IEnumerable<TestCaseData> FullCells() => Cells(Tier.Full);

    /// <summary>The selected tier as a single case, for tests over a whole grid.</summary>
    public static IEnumerable<TestCaseData> SelectedTier()
    {
        yield return new TestCaseData(Tier.Current).SetCategory(TierCategory.Of(Tier.Current));
    }

    /// <summary>The Short tier as a single case when it is the selected tier, else no case: for
    /// measurements that only the Short tier's real data makes meaningful.</summary>
    public static IEnumerable<TestCaseData> ShortTierOnly()
    {
        if (Tier.Current == Tier.Short) yield return new TestCaseData(Tier.Short).SetCategory(TierCategory.Of(Tier.Short));
    }

    /// <summary>A tier whose requirements (a GPU, a data folder) are missing stops here, before
    /// any cell, with one message saying what is missing.</summary>
    [OneTimeSetUp]
    public void TierRequirements() => Requirements.Check(Experiment, Tier.Current);

    [Smoke, TestCaseSource(nameof(SmokeCells))]
    public void Smoke(Cell cell) => RunCell(Tier.Smoke, cell);

    [Short, TestCaseSource(nameof(ShortCells))]
    public void Short(Cell cell) => RunCell(Tier.Short, cell);

    [Full, TestCaseSource(nameof(FullCells))]
    public void Full(Cell cell) => RunCell(Tier.Full, cell);

    // A tier's cases are made for the tier REPRO_TIER selects, so a filter on another tier's
    // category would select none and pass in silence. These run only when a filter selects their
    // category (explicit: not in a plain `dotnet test`) and fail when REPRO_TIER says otherwise.
    [Explicit("runs when a filter selects the Smoke category"), Smoke, Test]
    public void TierForSmokeCategory() => RequireSelected(Tier.Smoke);

    [Explicit("runs when a filter selects the Short category"), Short, Test]
    public void TierForShortCategory() => RequireSelected(Tier.Short);

    [Explicit("runs when a filter selects the Full category"), Full, Test]
    public void TierForFullCategory() => RequireSelected(Tier.Full);

    static void RequireSelected(Tier tier)
    {
        if (Tier.Current != tier)
            Assert.Fail($"the {TierCategory.Of(tier)} category is selected, but {Tier.Variable} is '{Tier.Current}', so no " +
                        $"{tier} case of {Experiment.Name} was made: run `dotnet msbuild -t:{TierCategory.Of(tier)}` " +
                        $"(or set {Tier.Variable}={tier})");
    }

    /// <summary>Checks of one finished cell beyond its golden (for example: it learned).</summary>
    protected virtual void CheckCell(Tier tier, RunRecord record) { }

    static IEnumerable<TestCaseData> Cells(Tier tier) =>
        // The case carries the cell itself; its name shows the cell's id (Smoke(beta=0.1_etat=0.005_z0=init_seed=0)).
        Tier.Current == tier ? Experiment.Grid(tier).Cells().Select(c => new TestCaseData(c).SetArgDisplayNames(c.Id)) : [];

    static ResultStore Store => new(ReproPaths.Results);

    /// <summary>Runs (or reuses) a cell; a failed cell fails the test with its error.</summary>
    protected static RunRecord Ensure(Tier tier, Cell cell)
    {
        var runner = new CellRunner(Store, TestContext.Progress.WriteLine);
        long reported = -1;
        var record = runner.Run(Experiment, tier, cell, out bool ran, reuseAcrossCode: tier != Tier.Smoke,
            progress: p =>
            {
                // Long cells say where they are, at most every 10% of their steps.
                if (p.TotalSteps >= 1000 && p.Step * 10 / p.TotalSteps != reported)
                {
                    reported = p.Step * 10 / p.TotalSteps;
                    TestContext.Progress.WriteLine($"{Experiment.Name}/{tier}/{cell.Id}: step {p.Step}/{p.TotalSteps} " +
                        string.Join(" ", p.Metrics.Select(m => $"{m.Key}={m.Value:G4}")));
                }
            });
        TestContext.Out.WriteLine($"{(ran ? "ran" : "reused the record of")} {Experiment.Name}/{tier}/{cell.Id}: {record.Status}" +
                                  $" ({Store.PathFor(Experiment.Name, tier, cell.Id)})");
        if (record.Status == RunStatus.Failed) Assert.Fail($"cell {cell.Id} failed:\n{record.Error}");
        return record;
    }

    /// <summary>
    /// Every cell of the tier's grid, running those without a finished record; with an eta scan,
    /// its rounds too. The cells a scan adds have no test case of their own, so their golden and
    /// cell checks run here: what fails is listed in <paramref name="failures"/> (the caller fails
    /// after recording what the grid measured), or fails the test at once without a list.
    /// </summary>
    protected IReadOnlyList<RunRecord> EnsureGrid(Tier tier, List<string>? failures = null) =>
        GridRun.Complete(Experiment.Grid(tier), (round, cells) =>
        {
            if (round == 0) return cells.Select(c => Ensure(tier, c)).ToList();
            TestContext.Progress.WriteLine($"{Experiment.Name}/{tier}: {GridRun.RoundName(round, cells)}: {cells.Count} cells " +
                                           $"({string.Join(", ", cells.Select(c => c.Id).Take(4))}{(cells.Count > 4 ? ", ..." : "")})");
            return cells.Select(cell =>
            {
                var record = Ensure(tier, cell);
                try { CheckPinnedAndCell(tier, record); }
                catch (AssertionException e) when (failures is not null) { failures.Add($"{cell.Id}: {e.Message}"); }
                return record;
            }).ToList();
        });

    /// <summary>
    /// Pins quantities measured across the tier's grid (slopes, timescales) in
    /// golden/&lt;experiment&gt;/&lt;tier&gt;/summary.verified.json. Its configuration is the list of
    /// the cells' configuration hashes, so any change to a cell shows as a changed summary.
    /// </summary>
    protected static void CheckSummary(Tier tier, IReadOnlyList<RunRecord> records, IEnumerable<Quantity> quantities, JsonArray? claims = null)
    {
        var cells = new JsonObject();
        foreach (var r in records) cells[r.Cell] = r.ConfigHash;
        var config = new JsonObject { ["experiment"] = Experiment.Name, ["tier"] = tier.Name, ["cells"] = cells };
        var summary = new RunRecord
        {
            Experiment = Experiment.Name,
            Tier = tier,
            Cell = "summary",
            ConfigHash = CanonicalJson.Hash(config),
            Config = config,
            Seed = 0,
            CodeFingerprint = records[0].CodeFingerprint,
            Environment = records[0].Environment,
            StartedAt = records.Min(r => r.StartedAt),
            EndedAt = records.Max(r => r.EndedAt),
            Status = RunStatus.Complete,
        };
        var outcome = new GoldenStore(ReproPaths.Golden).Check(summary, Experiment.Resolve(quantities), GoldenStore.AcceptRequested, claims);
        TestContext.Out.WriteLine(outcome.Message);
        if (!outcome.Passed) Assert.Fail(outcome.Message);
    }

    void RunCell(Tier tier, Cell cell) => CheckPinnedAndCell(tier, Ensure(tier, cell));

    void CheckPinnedAndCell(Tier tier, RunRecord record)
    {
        // The snapshot is compared (and a received one written) before the cell's own checks, so
        // that a cell failing them still leaves what it measured for review.
        var outcome = Experiment.Pins(tier)
            ? new GoldenStore(ReproPaths.Golden).Check(record, Experiment.GoldenQuantities(record), GoldenStore.AcceptRequested)
            : null;
        if (outcome is not null) TestContext.Out.WriteLine(outcome.Message);
        CheckCell(tier, record);
        if (outcome is { Passed: false }) Assert.Fail(outcome.Message);
    }
}
