namespace Repro.Data;

/// <summary>
/// The real data that Debian packages ship (DATA.md), fetched on first use into
/// <see cref="Cache"/> (REPRO_CACHE, default ~/.cache/repro) or installed: `repro data fetch
/// &lt;name&gt;` and the loaders both come here.
/// </summary>
public static class PackageData
{
    public static IReadOnlyList<string> Names { get; } = ["fashion-mnist", "polarity", "jpeg-samples"];

    public static string Cache =>
        Environment.GetEnvironmentVariable("REPRO_CACHE") is { Length: > 0 } cache
            ? Path.GetFullPath(cache)
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "repro");

    /// <summary>Fetches a named dataset; returns its folder.</summary>
    public static string Fetch(string name, Action<string> log) => name switch
    {
        "fashion-mnist" => FashionMnist(log),
        "polarity" => Polarity(log),
        "jpeg-samples" => JpegSamples(log),
        _ => throw new ArgumentException($"unknown dataset '{name}' (known: {string.Join(", ", Names)})"),
    };

    /// <summary>Whether a named dataset is already here (looks; never fetches).</summary>
    public static bool IsPresent(string name) => name switch
    {
        "fashion-mnist" => Directory.Exists("/usr/share/datasets/fashion-mnist"),
        "polarity" => File.Exists(Path.Combine(Cache, "python3-pattern", ".complete")),
        "jpeg-samples" => File.Exists(Path.Combine(Cache, "python3-skimage", ".complete")),
        _ => throw new ArgumentException($"unknown dataset '{name}' (known: {string.Join(", ", Names)})"),
    };

    /// <summary>/usr/share/datasets/fashion-mnist: {train,t10k}-{images-idx3,labels-idx1}-ubyte.gz.</summary>
    public static string FashionMnist(Action<string> log)
    {
        Apt.EnsureInstalled("dataset-fashion-mnist", "Fashion-MNIST", log);
        return "/usr/share/datasets/fashion-mnist";
    }

    /// <summary>The folder holding `polarity-en-pang&amp;lee1.csv` (1,500 reviews) and `...2.csv` (4,000 sentences).</summary>
    public static string Polarity(Action<string> log) =>
        Path.Combine(Apt.EnsureExtracted("python3-pattern", Cache, "the movie-review polarity corpora", log),
            "usr", "share", "doc", "python3-pattern", "test", "corpora");

    /// <summary>skimage's sample images (rocket.jpg, ..., truncated.jpg).</summary>
    public static string JpegSamples(Action<string> log)
    {
        string root = Apt.EnsureExtracted("python3-skimage", Cache, "the JPEG samples", log);
        return Directory.GetDirectories(Path.Combine(root, "usr", "lib", "python3", "dist-packages", "skimage"), "data").SingleOrDefault()
            ?? throw new DataFormatException(root, "python3-skimage has no skimage/data folder");
    }
}
