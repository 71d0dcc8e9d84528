namespace Repro.Experiments;

/// <summary>A folder made once in the package cache: filled beside its place and renamed into it,
/// so that a concurrent cell never sees half a folder (if another process built it first, its copy
/// is kept).</summary>
static class CacheFolder
{
    public static string Ensure(string root, Action<string> fill)
    {
        if (Directory.Exists(root)) return root;
        string building = $"{root}.{Environment.ProcessId}.tmp";
        if (Directory.Exists(building)) Directory.Delete(building, recursive: true);
        fill(building);
        try
        {
            Directory.Move(building, root);
        }
        catch (IOException) when (Directory.Exists(root))
        {
            Directory.Delete(building, recursive: true);  // another process built it first
        }
        return root;
    }
}
