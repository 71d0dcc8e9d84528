namespace Repro.Data;

/// <summary>
/// Pang &amp; Lee's movie-review polarity corpora as python3-pattern ships them (DATA.md): 1,500 full
/// reviews (750 positive, 750 negative; a subset of polarity v2.0) and 4,000 sentences (2,000 /
/// 2,000). Each file is CSV with a UTF-8 BOM and no header: records "label","text", label 1
/// (positive) or -1 (negative); the text is lower-cased and pre-tokenized by the corpus' authors and
/// may span lines.
/// </summary>
public static class Polarity
{
    public const string ReviewsFile = "polarity-en-pang&lee1.csv";
    public const string SentencesFile = "polarity-en-pang&lee2.csv";
    public const int ReviewsPerClass = 750, SentencesPerClass = 2_000;

    /// <summary>Reads both corpora from <paramref name="folder"/> (default: the package's folder,
    /// fetched on first use) and checks their sizes against the published ones.</summary>
    public static (IReadOnlyList<Review> reviews, IReadOnlyList<Review> sentences) Load(string? folder = null, Action<string>? log = null)
    {
        folder ??= PackageData.Polarity(log ?? Console.Error.WriteLine);
        return (ReadFile(Path.Combine(folder, ReviewsFile), ReviewsPerClass),
                ReadFile(Path.Combine(folder, SentencesFile), SentencesPerClass));
    }

    /// <summary>One corpus file, in file order; <paramref name="expectedPerClass"/> null accepts any
    /// class sizes.</summary>
    public static IReadOnlyList<Review> ReadFile(string path, int? expectedPerClass = null)
    {
        var reviews = new List<Review>();
        foreach (var record in Csv.ReadFile(path))
        {
            if (record.Fields.Count != 2)
                throw new DataFormatException(path,
                    $"record starting at line {record.Line} has {record.Fields.Count} field(s); expected 2 (\"label\",\"text\")");
            int label = record.Fields[0] switch
            {
                "1" => 1,
                "-1" => 0,
                var other => throw new DataFormatException(path,
                    $"record starting at line {record.Line} has label \"{other}\"; labels are 1 (positive) or -1 (negative)"),
            };
            reviews.Add(new Review(record.Fields[1], label, $"{path}:{record.Line}"));
        }
        if (expectedPerClass is { } expected)
        {
            int positive = reviews.Count(r => r.Label == 1), negative = reviews.Count - positive;
            if (positive != expected || negative != expected)
                throw new DataFormatException(path,
                    $"{positive:N0} positive and {negative:N0} negative records; expected {expected:N0} of each (a different version of the corpus?)");
        }
        return reviews;
    }
}
