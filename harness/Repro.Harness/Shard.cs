using System.Globalization;

namespace Repro.Harness;

/// <summary>
/// One of <see cref="Count"/> disjoint parts of a grid, so that a SLURM job array or a CI matrix
/// splits a sweep over machines. <see cref="Index"/> is 1-based (`--shard 1/4` ... `4/4`), as
/// people count machines; SLURM's task ids map as index = SLURM_ARRAY_TASK_ID -
/// SLURM_ARRAY_TASK_MIN + 1, so `--array=0-3` and `--array=1-4` both give shards 1..4.
/// Cells are dealt round-robin in grid order (cell k goes to shard k mod n + 1): the grid is
/// beta-major, so every shard gets every beta and about the same work.
/// </summary>
public readonly record struct Shard(int Index, int Count)
{
    public static readonly Shard Whole = new(1, 1);

    public const string Form = "i/n with i in 1..n, 1-based: 1/4, 2/4, 3/4, 4/4";

    /// <summary>Parses `i/n`; the error says what is wrong and what is accepted.</summary>
    public static Shard Parse(string text)
    {
        string[] parts = text.Split('/');
        if (parts.Length != 2
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int index)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int count))
            throw new FormatException($"--shard '{text}' is not of the form {Form}");
        if (count < 1) throw new FormatException($"--shard '{text}': n must be at least 1; the form is {Form}");
        if (index < 1 || index > count) throw new FormatException($"--shard '{text}': i must be in 1..{count}; the form is {Form}");
        return new Shard(index, count);
    }

    /// <summary>The shard of a SLURM array task (SLURM_ARRAY_TASK_ID, _MIN, _COUNT), or null
    /// outside one. <paramref name="variable"/> reads the environment (tests pass their own).</summary>
    public static Shard? FromSlurm(Func<string, string?> variable)
    {
        string? id = variable("SLURM_ARRAY_TASK_ID"), count = variable("SLURM_ARRAY_TASK_COUNT");
        if (id is null && count is null) return null;
        string min = variable("SLURM_ARRAY_TASK_MIN") ?? "0";
        if (!int.TryParse(id, CultureInfo.InvariantCulture, out int task) || !int.TryParse(count, CultureInfo.InvariantCulture, out int n)
            || !int.TryParse(min, CultureInfo.InvariantCulture, out int first))
            throw new FormatException($"SLURM_ARRAY_TASK_ID={id ?? "(unset)"}, SLURM_ARRAY_TASK_COUNT={count ?? "(unset)"}, " +
                                      $"SLURM_ARRAY_TASK_MIN={min}: expected integers (a job array such as --array=0-3)");
        try
        {
            return Parse($"{task - first + 1}/{n}");
        }
        catch (FormatException e)
        {
            // A stepped array (--array=0-15:4) numbers its tasks 0, 4, 8, 12: not 1..n.
            throw new FormatException($"SLURM_ARRAY_TASK_ID={task} with SLURM_ARRAY_TASK_MIN={first} and COUNT={n} " +
                                      $"gives no shard in 1..{n} (use a contiguous array, --array=0-{n - 1}): {e.Message}");
        }
    }

    /// <summary>This shard's cells, in grid order.</summary>
    public IReadOnlyList<T> Select<T>(IReadOnlyList<T> cells)
    {
        int index = Index, count = Count;
        return cells.Where((_, k) => k % count == index - 1).ToList();
    }

    public override string ToString() => $"{Index}/{Count}";
}
