using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Repro.Data;

/// <summary>An IMDB review with what its file name says: the review's id and its star rating
/// (1-4 negative, 7-10 positive).</summary>
public sealed record ImdbReview(Review Review, int Id, int Rating);

/// <summary>
/// The Large Movie Review Dataset (Maas et al. 2011), unpacked from aclImdb_v1.tar.gz (DATA.md):
/// `aclImdb/{train,test}/{pos,neg}/&lt;id&gt;_&lt;rating&gt;.txt`, one UTF-8 review per file, 12,500
/// per folder. Only the pos and neg folders are read (train/unsup and the bag-of-words files are
/// not used); every entry in them must be a review file.
/// </summary>
public static partial class Imdb
{
    public const string Folder = "aclImdb";
    public const int ReviewsPerFolder = 12_500;

    /// <summary>Reads both splits from <paramref name="root"/> (the folder holding aclImdb, or that
    /// folder itself). Each split lists its negative reviews, then its positive ones, each sorted by
    /// file name (ordinal), so the order does not depend on the file system. Each pos and neg
    /// folder must hold exactly <paramref name="reviewsPerFolder"/> reviews (null: any number; tests
    /// use small trees).</summary>
    public static (IReadOnlyList<ImdbReview> train, IReadOnlyList<ImdbReview> test) Load(string root, int? reviewsPerFolder = ReviewsPerFolder)
    {
        string folder = Path.GetFileName(Path.TrimEndingDirectorySeparator(root)) == Folder ? root : Path.Combine(root, Folder);
        return (Split(folder, "train", reviewsPerFolder), Split(folder, "test", reviewsPerFolder));
    }

    static List<ImdbReview> Split(string folder, string split, int? reviewsPerFolder)
    {
        var reviews = ReadClass(folder, split, "neg", reviewsPerFolder);
        reviews.AddRange(ReadClass(folder, split, "pos", reviewsPerFolder));
        return reviews;
    }

    static List<ImdbReview> ReadClass(string folder, string split, string polarity, int? expected)
    {
        string path = Path.Combine(folder, split, polarity);
        if (!Directory.Exists(path))
            throw new DataFormatException(path,
                $"folder not found: IMDB is read from {Folder}/{{train,test}}/{{pos,neg}}/<id>_<rating>.txt " +
                $"(aclImdb_v1.tar.gz unpacked) under the data folder (REPRO_DATA or --data)");
        bool positive = polarity == "pos";
        var strict = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
        var reviews = new List<ImdbReview>();
        var ids = new HashSet<int>();
        foreach (string file in Directory.GetFileSystemEntries(path).Order(StringComparer.Ordinal))
        {
            string name = Path.GetFileName(file);
            if (Directory.Exists(file))
                throw new DataFormatException(file, $"a folder inside {split}/{polarity}, which holds only review files <id>_<rating>.txt");
            var match = FileName().Match(name);
            if (!match.Success
                || !int.TryParse(match.Groups["id"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out int id)
                || !int.TryParse(match.Groups["rating"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out int rating))
                throw new DataFormatException(file, "not a review file name: expected <id>_<rating>.txt, e.g. 0_9.txt");
            if (positive ? rating is < 7 or > 10 : rating is < 1 or > 4)
                throw new DataFormatException(file,
                    $"rating {rating} in a {polarity} folder; {(positive ? "positive reviews are rated 7-10" : "negative reviews are rated 1-4")}");
            if (!ids.Add(id))
                throw new DataFormatException(file, $"review id {id} appears twice in {split}/{polarity}");
            string text;
            try
            {
                text = strict.GetString(File.ReadAllBytes(file));
            }
            catch (DecoderFallbackException e)
            {
                throw new DataFormatException(file, $"not UTF-8 text (bad byte at offset {e.Index})", e);
            }
            reviews.Add(new ImdbReview(new Review(text, positive ? 1 : 0, file), id, rating));
        }
        if (expected is { } count && reviews.Count != count)
            throw new DataFormatException(path, $"{reviews.Count:N0} reviews; expected {count:N0} in each of {Folder}/{{train,test}}/{{pos,neg}}");
        return reviews;
    }

    [GeneratedRegex(@"^(?<id>[0-9]+)_(?<rating>[0-9]+)\.txt$", RegexOptions.CultureInvariant)]
    private static partial Regex FileName();
}
