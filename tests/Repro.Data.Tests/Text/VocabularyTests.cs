using Repro.Torch;

namespace Repro.Data.Tests.Text;

public class VocabularyTests
{
    // Counts: the 4, movie 3, good 2, bad 2, a 1, plot 1.
    static readonly string[] Texts = ["The movie. The plot", "the GOOD movie, a bad", "The good movie bad"];

    [Test]
    public void ReservesPadAndUnknownThenOrdersByCountThenWord()
    {
        var v = Vocabulary.Build(Texts);
        Assert.That(Enumerable.Range(0, v.Count).Select(i => v[i]),
            Is.EqualTo(new[] { "<pad>", "<unk>", "the", "movie", "bad", "good", "a", "plot" }));
        Assert.That((Vocabulary.Pad, Vocabulary.Unknown), Is.EqualTo((0L, 1L)));
        Assert.That(v.IndexOf("the"), Is.EqualTo(2));
        Assert.That(v.IndexOf("unseen"), Is.EqualTo(Vocabulary.Unknown));
        Assert.That(v.IndexOf("<pad>"), Is.EqualTo(Vocabulary.Unknown), "reserved entries are not words");
    }

    [Test]
    public void MinCountAndMaxSizeCutTheRareWords()
    {
        Assert.That(Vocabulary.Build(Texts, minCount: 2).Count, Is.EqualTo(2 + 4));
        var small = Vocabulary.Build(Texts, maxSize: 5);
        Assert.That(Enumerable.Range(0, small.Count).Select(i => small[i]), Is.EqualTo(new[] { "<pad>", "<unk>", "the", "movie", "bad" }));
        Assert.That(small.IndexOf("good"), Is.EqualTo(Vocabulary.Unknown));
        Assert.That(Vocabulary.Build(Texts, minCount: 5).Count, Is.EqualTo(2));
        Assert.That(() => Vocabulary.Build(Texts, maxSize: 1), Throws.TypeOf<ArgumentOutOfRangeException>());
        Assert.That(() => Vocabulary.Build(Texts, minCount: 0), Throws.TypeOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void EncodeKeepsTheFirstTokensAndPadsAtTheEnd()
    {
        var v = Vocabulary.Build(Texts);
        Assert.That(v.Encode("The good, the unseen", 6), Is.EqualTo(new long[] { 2, 5, 2, 1, 0, 0 }));
        Assert.That(v.Encode("The good, the unseen", 2), Is.EqualTo(new long[] { 2, 5 }));
        Assert.That(v.Encode(["movie", "zzz"], 3), Is.EqualTo(new long[] { 3, 1, 0 }));
        Assert.That(v.Encode("", 3), Is.EqualTo(new long[] { 0, 0, 0 }));
    }

    [Test]
    public void EncodeBatchIsAnInt64TensorOfTextsByLength()
    {
        var v = Vocabulary.Build(Texts);
        using var batch = v.EncodeBatch(["the movie plot was good", "bad", "a"], 4);
        Assert.That(batch.shape, Is.EqualTo(new long[] { 3, 4 }));
        Assert.That(batch.dtype, Is.EqualTo(ScalarType.Int64));
        Assert.That(batch.ToArray<long>(), Is.EqualTo(new long[] { 2, 3, 7, 1, 4, 0, 0, 0, 6, 0, 0, 0 }));
    }
}
