using System.Text;

namespace Repro.Harness;

/// <summary>Writes a file so that readers see the old content or the new, never a half: the bytes
/// go to a temporary file in the same folder, are flushed to disk, and the file is renamed over
/// the target (rename is atomic on one file system).</summary>
public static class AtomicFile
{
    /// <summary>Called with the temporary path after half of the bytes are written (tests kill the
    /// process there to prove that a half-written record never becomes visible).</summary>
    internal static Action<string>? HalfWrittenForTests;

    public static void WriteAllText(string path, string text) => WriteAllBytes(path, Encoding.UTF8.GetBytes(text));

    public static void WriteAllBytes(string path, byte[] bytes)
    {
        string directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        string temp = TempPath(path);
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(bytes, 0, bytes.Length / 2);
                if (HalfWrittenForTests is { } hook)
                {
                    stream.Flush(flushToDisk: true);
                    hook(temp);
                }
                stream.Write(bytes, bytes.Length / 2, bytes.Length - bytes.Length / 2);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            try { File.Delete(temp); } catch (IOException) { }
            throw;
        }
    }

    /// <summary>`.&lt;name&gt;.&lt;pid&gt;.&lt;random&gt;.tmp` beside the target.</summary>
    static string TempPath(string path) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!,
            $".{Path.GetFileName(path)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");

    /// <summary>Deletes temporaries a killed writer of <paramref name="path"/> left behind. Call it
    /// only while holding the lock that serializes writers of this path.</summary>
    public static void DeleteStaleTemporaries(string path)
    {
        string directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (!Directory.Exists(directory)) return;
        foreach (string stale in Directory.EnumerateFiles(directory, $".{Path.GetFileName(path)}.*.tmp"))
            File.Delete(stale);
    }
}
