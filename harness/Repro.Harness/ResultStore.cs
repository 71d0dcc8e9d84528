namespace Repro.Harness;

/// <summary>
/// Run records, one JSON file per cell: &lt;root&gt;/&lt;experiment&gt;/&lt;tier&gt;/&lt;cell id&gt;.json.
/// Records are written atomically (<see cref="AtomicFile"/>), so a killed process never leaves a
/// half record; a per-cell lock file (an flock held by the open handle, released by the kernel
/// when a process dies) keeps two processes on the same grid from running or writing one cell twice.
/// </summary>
public sealed class ResultStore(string root)
{
    public string Root { get; } = Path.GetFullPath(root);

    // A lock held elsewhere: .NET reports flock's EWOULDBLOCK (11 on Linux) as the HResult on
    // Unix, and ERROR_SHARING_VIOLATION on Windows. Other I/O errors are real and propagate.
    const int SharingViolation = unchecked((int)0x80070020), EWouldBlock = 11;

    public string PathFor(string experiment, Tier tier, string cellId) =>
        Path.Combine(Root, experiment, tier.Name, cellId + ".json");

    /// <summary>Where a cell's checkpoints live while it runs: in this store, beside the records
    /// (checkpoints/&lt;experiment&gt;/&lt;tier&gt;/&lt;cell&gt;/), so a store moved by --results keeps its own.</summary>
    public string CheckpointFolder(string experiment, Tier tier, string cellId) =>
        Path.Combine(Root, "checkpoints", experiment, tier.Name, cellId);

    /// <summary>The cell's record, or null if it has none. A record that cannot be read is moved
    /// aside to `&lt;id&gt;.json.unreadable` (kept for inspection) and reported through
    /// <paramref name="warn"/>, so that the cell runs again.</summary>
    public RunRecord? TryRead(string experiment, Tier tier, string cellId, Action<string>? warn = null)
    {
        string path = PathFor(experiment, tier, cellId);
        if (!File.Exists(path)) return null;
        try
        {
            return RunRecord.Parse(File.ReadAllText(path), path);
        }
        catch (FormatException e)
        {
            File.Move(path, path + ".unreadable", overwrite: true);
            warn?.Invoke($"{e.Message}; moved to {path}.unreadable and running the cell again");
            return null;
        }
    }

    /// <summary>Moves the cell's record aside to `&lt;id&gt;.json.&lt;hash&gt;.other-config` (the first 12
    /// digits of its configuration hash), so that a run of another configuration never replaces it
    /// in silence; returns where it went.</summary>
    public string MoveAside(string experiment, Tier tier, string cellId, string configHash)
    {
        string path = PathFor(experiment, tier, cellId);
        string aside = $"{path}.{configHash[..Math.Min(12, configHash.Length)]}.other-config";
        File.Move(path, aside, overwrite: true);
        return aside;
    }

    public void Write(RunRecord record) =>
        AtomicFile.WriteAllText(PathFor(record.Experiment, record.Tier, record.Cell), record.ToJson());

    /// <summary>Every readable record of an experiment's tier, in file-name order.</summary>
    public IReadOnlyList<RunRecord> ReadAll(string experiment, Tier tier)
    {
        string directory = Path.Combine(Root, experiment, tier.Name);
        if (!Directory.Exists(directory)) return [];
        return Directory.EnumerateFiles(directory, "*.json").Order(StringComparer.Ordinal)
            .Select(path => RunRecord.Parse(File.ReadAllText(path), path)).ToList();
    }

    /// <summary>Takes the cell's lock, waiting while another process or thread holds it.</summary>
    public IDisposable Lock(string experiment, Tier tier, string cellId, Action<string>? waiting = null)
    {
        bool announced = false;
        while (true)
        {
            if (TryLock(experiment, tier, cellId) is { } held) return held;
            if (!announced) waiting?.Invoke($"cell {cellId} is being run by another process; waiting for it");
            announced = true;
            Thread.Sleep(200);
        }
    }

    /// <summary>The cell's lock, or null when someone else holds it. While it is held, stale
    /// temporaries of the cell's record are removed.</summary>
    public IDisposable? TryLock(string experiment, Tier tier, string cellId)
    {
        string path = PathFor(experiment, tier, cellId);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        string lockPath = Path.Combine(Path.GetDirectoryName(path)!, $".{cellId}.lock");
        try
        {
            // FileShare.None takes an exclusive flock on Unix.
            var stream = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            AtomicFile.DeleteStaleTemporaries(path);
            return stream;
        }
        catch (IOException e) when (e.HResult is SharingViolation or EWouldBlock)
        {
            return null;
        }
    }
}
