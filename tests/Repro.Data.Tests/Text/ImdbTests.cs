using Repro.Data.Tests.Sets;

namespace Repro.Data.Tests.Text;

public class ImdbTests
{
    /// <summary>A tiny aclImdb tree: two reviews per folder, plus the files the real archive has
    /// beside pos and neg (which the loader does not read).</summary>
    static string WriteTree(TempFolder dir)
    {
        string root = Path.Combine(dir.Path, Imdb.Folder);
        void Write(string split, string polarity, string name, string text)
        {
            Directory.CreateDirectory(Path.Combine(root, split, polarity));
            File.WriteAllText(Path.Combine(root, split, polarity, name), text);
        }
        Write("train", "pos", "10_9.txt", "Loved it.<br /><br />Great!");
        Write("train", "pos", "2_10.txt", "A masterpiece.");
        Write("train", "neg", "3_1.txt", "Awful.");
        Write("train", "neg", "11_4.txt", "Not good, not terrible — café scene aside.");
        Write("test", "pos", "0_7.txt", "Fine film.");
        Write("test", "pos", "1_8.txt", "Good film.");
        Write("test", "neg", "0_2.txt", "Bad film.");
        Write("test", "neg", "1_3.txt", "Poor film.");
        Write("train", "unsup", "0_0.txt", "unlabelled");
        File.WriteAllText(Path.Combine(root, "train", "urls_pos.txt"), "http://www.imdb.com/title/tt0453418/usercomments\n");
        return root;
    }

    [Test]
    public void ReadsBothSplitsWithRatingsAndLabelsInFileNameOrder()
    {
        using var dir = new TempFolder();
        string root = WriteTree(dir);
        var (train, test) = Imdb.Load(dir.Path, reviewsPerFolder: 2);
        // Negative then positive; within a folder, ordinal file-name order ("11_4" < "3_1").
        Assert.That(train.Select(r => (r.Id, r.Rating, r.Review.Label)), Is.EqualTo(new[] { (11, 4, 0), (3, 1, 0), (10, 9, 1), (2, 10, 1) }));
        Assert.That(test.Select(r => (r.Id, r.Rating, r.Review.Label)), Is.EqualTo(new[] { (0, 2, 0), (1, 3, 0), (0, 7, 1), (1, 8, 1) }));
        Assert.That(train[0].Review.Text, Is.EqualTo("Not good, not terrible — café scene aside."), "UTF-8 read as written");
        Assert.That(train[2].Review.Source, Is.EqualTo(Path.Combine(root, "train", "pos", "10_9.txt")));

        var (again, _) = Imdb.Load(root, reviewsPerFolder: null);  // the aclImdb folder itself
        Assert.That(again.Select(r => r.Review), Is.EqualTo(train.Select(r => r.Review)));
    }

    [Test]
    public void AWrongNumberOfReviewsInAFolderIsAnError()
    {
        using var dir = new TempFolder();
        WriteTree(dir);
        Assert.That(() => Imdb.Load(dir.Path), Throws.TypeOf<DataFormatException>()
            .With.Message.EqualTo($"{Path.Combine(dir.Path, Imdb.Folder, "train", "neg")}: 2 reviews; expected 12,500 in each of aclImdb/{{train,test}}/{{pos,neg}}"));
    }

    [TestCase("pos", "5_5.txt", "rating 5 in a pos folder; positive reviews are rated 7-10")]
    [TestCase("neg", "5_7.txt", "rating 7 in a neg folder; negative reviews are rated 1-4")]
    [TestCase("pos", "5_11.txt", "rating 11 in a pos folder")]
    [TestCase("neg", "5_0.txt", "rating 0 in a neg folder")]
    [TestCase("pos", "5.txt", "not a review file name: expected <id>_<rating>.txt")]
    [TestCase("pos", "5_9.TXT", "not a review file name")]
    [TestCase("pos", "a_9.txt", "not a review file name")]
    [TestCase("pos", "5_-9.txt", "not a review file name")]
    [TestCase("neg", "99999999999_1.txt", "not a review file name")]
    [TestCase("neg", "3_2.txt", "review id 3 appears twice in train/neg")]
    public void ABadFileNameNamesTheFile(string polarity, string name, string problem)
    {
        using var dir = new TempFolder();
        string root = WriteTree(dir);
        string file = Path.Combine(root, "train", polarity, name);
        File.WriteAllText(file, "text");
        var e = Assert.Throws<DataFormatException>(() => Imdb.Load(dir.Path, reviewsPerFolder: null));
        Assert.That(e!.Message, Does.StartWith($"{file}: {problem}"));
    }

    [Test]
    public void AMissingFolderSaysWhichLayoutIsExpectedWhere()
    {
        using var dir = new TempFolder();
        var e = Assert.Throws<DataFormatException>(() => Imdb.Load(dir.Path));
        Assert.That(e!.Message, Is.EqualTo($"{Path.Combine(dir.Path, Imdb.Folder, "train", "neg")}: folder not found: IMDB is read from " +
            "aclImdb/{train,test}/{pos,neg}/<id>_<rating>.txt (aclImdb_v1.tar.gz unpacked) under the data folder (REPRO_DATA or --data)"));

        string root = WriteTree(dir);
        Directory.Delete(Path.Combine(root, "test", "pos"), recursive: true);
        Assert.That(() => Imdb.Load(dir.Path, reviewsPerFolder: null), Throws.TypeOf<DataFormatException>()
            .With.Message.StartsWith($"{Path.Combine(root, "test", "pos")}: folder not found"));
    }

    [Test]
    public void TextThatIsNotUtf8IsAnError()
    {
        using var dir = new TempFolder();
        string root = WriteTree(dir);
        string file = Path.Combine(root, "test", "neg", "1_3.txt");
        File.WriteAllBytes(file, [(byte)'o', 0xC3, (byte)'k']);
        Assert.That(() => Imdb.Load(dir.Path, reviewsPerFolder: null), Throws.TypeOf<DataFormatException>()
            .With.Message.StartsWith($"{file}: not UTF-8 text"));
    }
}
