using Repro.Data.Tests.Sets;

namespace Repro.Data.Tests.Text;

public class PolarityTests
{
    /// <summary>The real corpora of python3-pattern (fetched on first use).</summary>
    [Test]
    public void AllReviewsAndSentencesParseWithTheirPublishedClassCounts()
    {
        var (reviews, sentences) = Polarity.Load(log: TestContext.Progress.WriteLine);
        TestContext.Progress.WriteLine(
            $"polarity: {reviews.Count} reviews ({reviews.Count(r => r.Label == 1)} positive), " +
            $"{sentences.Count} sentences ({sentences.Count(r => r.Label == 1)} positive)");
        Assert.That((reviews.Count(r => r.Label == 1), reviews.Count(r => r.Label == 0)), Is.EqualTo((750, 750)));
        Assert.That((sentences.Count(r => r.Label == 1), sentences.Count(r => r.Label == 0)), Is.EqualTo((2_000, 2_000)));
        // Full reviews span many lines (the corpus keeps one sentence per line) and are long; the
        // file's record separators (CRLF) are not part of any text.
        Assert.That(reviews.Average(r => Tokenizer.Tokenize(r.Text).Length), Is.GreaterThan(500));
        Assert.That(reviews.Count(r => r.Text.Contains('\n')), Is.EqualTo(1_500));
        Assert.That(reviews.Concat(sentences).Any(r => r.Text.Contains('\r')), Is.False);
        Assert.That(reviews[0].Text, Does.StartWith("films adapted from comic books"));
        Assert.That(reviews[0].Source, Does.EndWith(Polarity.ReviewsFile + ":1"));
        Assert.That(sentences[0].Text, Does.Contain("the 21st century's new \" conan \""), "doubled quotes read as one");
    }

    [Test]
    public void ALabelOtherThanOneOrMinusOneNamesTheFileAndLine()
    {
        using var dir = new TempFolder();
        File.WriteAllText(dir.File("p.csv"), "\uFEFF\"1\",\"good\nfilm\"\r\n\"-1\",\"bad\"\r\n\"0\",\"meh\"\r\n");
        var e = Assert.Throws<DataFormatException>(() => Polarity.ReadFile(dir.File("p.csv")));
        Assert.That(e!.Message, Does.StartWith(dir.File("p.csv") + ": record starting at line 4 has label \"0\""));
    }

    [Test]
    public void AHeaderRowIsABadLabelAndAWrongFieldCountIsAnError()
    {
        using var dir = new TempFolder();
        File.WriteAllText(dir.File("h.csv"), "\"label\",\"text\"\n\"1\",\"good\"\n");
        Assert.That(() => Polarity.ReadFile(dir.File("h.csv")), Throws.TypeOf<DataFormatException>().With.Message.Contains("line 1 has label \"label\""));
        File.WriteAllText(dir.File("f.csv"), "\"1\",\"good\"\n\"-1\",\"bad\",\"extra\"\n");
        Assert.That(() => Polarity.ReadFile(dir.File("f.csv")), Throws.TypeOf<DataFormatException>()
            .With.Message.StartsWith(dir.File("f.csv") + ": record starting at line 2 has 3 field(s); expected 2"));
    }

    [Test]
    public void LabelsMapToOneAndZeroAndClassSizesAreChecked()
    {
        using var dir = new TempFolder();
        File.WriteAllText(dir.File("p.csv"), "\"1\",\"good\"\r\n\"-1\",\"bad\"\r\n\"-1\",\"worse\"");
        var reviews = Polarity.ReadFile(dir.File("p.csv"));
        Assert.That(reviews.Select(r => (r.Text, r.Label)), Is.EqualTo(new[] { ("good", 1), ("bad", 0), ("worse", 0) }));
        Assert.That(() => Polarity.ReadFile(dir.File("p.csv"), expectedPerClass: 1), Throws.TypeOf<DataFormatException>()
            .With.Message.Contains("1 positive and 2 negative records; expected 1 of each"));
    }
}
