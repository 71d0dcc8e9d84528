namespace Repro.Harness;

/// <summary>
/// Where results and goldens live. The checkout root is REPRO_ROOT, else the nearest folder
/// holding Repro.sln above the current directory or above the running assembly.
/// Results: REPRO_RESULTS, else &lt;root&gt;/artifacts/results. Goldens: &lt;root&gt;/golden.
/// </summary>
public static class ReproPaths
{
    public static string? TryFindRoot()
    {
        if (Environment.GetEnvironmentVariable("REPRO_ROOT") is { Length: > 0 } root) return Path.GetFullPath(root);
        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Repro.sln"))) return dir.FullName;
        return null;
    }

    public static string Root => TryFindRoot() ?? throw new DirectoryNotFoundException(
        "cannot find the Repro checkout (no Repro.sln above the current directory or the program); set REPRO_ROOT");

    public static string Results =>
        Environment.GetEnvironmentVariable("REPRO_RESULTS") is { Length: > 0 } results
            ? Path.GetFullPath(results)
            : Path.Combine(Root, "artifacts", "results");

    public static string Golden => Path.Combine(Root, "golden");
}
