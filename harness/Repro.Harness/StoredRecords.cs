namespace Repro.Harness;

/// <summary>One record file of a results directory: its place in the layout, and the record, or
/// why it could not be read (a report shows such a file; it never drops it).</summary>
public sealed record StoredRecord(string Experiment, string Tier, string Cell, string Path, RunRecord? Record, string? Problem);

/// <summary>
/// Reads a results directory as <see cref="ResultStore"/> writes it,
/// &lt;root&gt;/&lt;experiment&gt;/&lt;tier&gt;/&lt;cell&gt;.json, for reports. Read-only: unlike
/// <see cref="ResultStore.TryRead"/>, an unreadable record stays where it is (its problem is
/// reported), and hidden files (locks, temporaries of a writer) are skipped.
/// </summary>
public static class StoredRecords
{
    public const string Layout = "<results dir>/<experiment>/<tier>/<cell>.json";

    /// <summary>Every record under <paramref name="root"/> (of one experiment when given), ordered
    /// by experiment, tier and file name.</summary>
    public static IReadOnlyList<StoredRecord> Read(string root, string? experiment = null)
    {
        root = Path.GetFullPath(root);
        if (!Directory.Exists(root)) throw new DirectoryNotFoundException($"results directory '{root}' does not exist (expected {Layout})");
        var found = new List<StoredRecord>();
        foreach (string experimentDir in Subdirectories(root).Where(d => experiment is null || Path.GetFileName(d) == experiment))
            foreach (string tierDir in Subdirectories(experimentDir))
                foreach (string file in Directory.EnumerateFiles(tierDir, "*.json").Where(f => !Path.GetFileName(f).StartsWith('.')).Order(StringComparer.Ordinal))
                    found.Add(ReadOne(Path.GetFileName(experimentDir), Path.GetFileName(tierDir), file));
        return found;
    }

    static IEnumerable<string> Subdirectories(string directory) =>
        Directory.EnumerateDirectories(directory).Where(d => !Path.GetFileName(d).StartsWith('.')).Order(StringComparer.Ordinal);

    static StoredRecord ReadOne(string experiment, string tier, string path)
    {
        string cell = Path.GetFileNameWithoutExtension(path);
        try
        {
            var record = RunRecord.Parse(File.ReadAllText(path), path);
            if (record.Experiment != experiment || record.Tier.Name != tier || record.Cell != cell)
                return new(experiment, tier, cell, path, record,
                    $"the record says {record.Experiment}/{record.Tier}/{record.Cell}, its place says {experiment}/{tier}/{cell}");
            return new(experiment, tier, cell, path, record, null);
        }
        catch (Exception e) when (e is FormatException or IOException)
        {
            return new(experiment, tier, cell, path, null, e.Message);
        }
    }
}
