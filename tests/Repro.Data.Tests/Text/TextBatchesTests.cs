namespace Repro.Data.Tests.Text;

public class TextBatchesTests
{
    static readonly IReadOnlyList<Review> Reviews = SyntheticReviews.Generate(23, seed: 4);
    static readonly Vocabulary Words = Vocabulary.Build(Reviews.Select(r => r.Text));

    [Test]
    public void BatchesAreTokenIdsAndLabels()
    {
        using var stream = new TextBatches(Reviews, Words, length: 12, batchSize: 5, seed: 1);
        using var batch = stream.Next();
        Assert.That(batch.Inputs.shape, Is.EqualTo(new long[] { 5, 12 }));
        Assert.That(batch.Inputs.dtype, Is.EqualTo(Repro.Torch.ScalarType.Int64));
        Assert.That(batch.Labels.shape, Is.EqualTo(new long[] { 5 }));
        // Each row is the encoding of the review whose label sits beside it.
        long[] ids = batch.Inputs.ToArray<long>(), labels = batch.Labels.ToArray<long>();
        for (int i = 0; i < 5; i++)
        {
            var row = ids[(i * 12)..((i + 1) * 12)];
            var review = Reviews.Single(r => Words.Encode(r.Text, 12).SequenceEqual(row));
            Assert.That(labels[i], Is.EqualTo(review.Label));
        }
    }

    [Test]
    public void AnEpochVisitsEveryReviewAtMostOnce()
    {
        using var stream = new TextBatches(Reviews, Words, length: 40, batchSize: 5, seed: 1);
        Assert.That(stream.BatchesPerEpoch, Is.EqualTo(4));
        var rows = new List<string>();
        for (int b = 0; b < 4; b++)
        {
            using var batch = stream.Next();
            long[] ids = batch.Inputs.ToArray<long>();
            for (int i = 0; i < 5; i++) rows.Add(string.Join(",", ids[(i * 40)..((i + 1) * 40)]));
        }
        Assert.That(rows, Is.Unique);
        Assert.That(rows, Is.SubsetOf(Reviews.Select(r => string.Join(",", Words.Encode(r.Text, 40)))));
    }

    [Test]
    public void AStreamStartedAtStepSYieldsTheBatchesFromS()
    {
        List<(long[], long[])> Take(long start, int count)
        {
            using var stream = new TextBatches(Reviews, Words, length: 16, batchSize: 5, seed: 7, startStep: start);
            return Enumerable.Range(0, count).Select(_ => { using var b = stream.Next(); return (b.Inputs.ToArray<long>(), b.Labels.ToArray<long>()); }).ToList();
        }
        var all = Take(0, 11);
        foreach (long start in new long[] { 1, 3, 4, 6, 9 })
            Assert.That(Take(start, 11 - (int)start), Is.EqualTo(all.Skip((int)start)), $"started at {start}");
        Assert.That(all[4], Is.Not.EqualTo(all[0]), "each epoch has its own order");
    }

    [Test]
    public void InOrderCoversEveryReviewOnceWithAPartialLastBatch()
    {
        var batches = TextBatches.InOrder(Reviews, Words, length: 10, batchSize: 10)
            .Select(b => { using (b) return (ids: b.Inputs.ToArray<long>(), labels: b.Labels.ToArray<long>()); }).ToList();
        Assert.That(batches.Select(b => b.labels.Length), Is.EqualTo(new[] { 10, 10, 3 }));
        Assert.That(batches.SelectMany(b => b.labels), Is.EqualTo(Reviews.Select(r => (long)r.Label)));
        Assert.That(batches[2].ids[..10], Is.EqualTo(Words.Encode(Reviews[20].Text, 10)));
    }

    [Test]
    public void ABadBatchSizeIsRejected()
    {
        Assert.That(() => new TextBatches(Reviews, Words, 10, 24, seed: 0), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("23"));
    }
}
