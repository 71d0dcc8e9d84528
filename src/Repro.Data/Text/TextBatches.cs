using Repro.Torch;
using static Repro.Torch.torch;

namespace Repro.Data;

/// <summary>
/// Shuffled mini-batches of reviews as token ids, epoch after epoch: inputs int64 [B, length]
/// (<see cref="Vocabulary.EncodeBatch"/>: a review's first `length` tokens, padded with
/// <see cref="Vocabulary.Pad"/>), labels int64 [B] (1 positive, 0 negative). Each epoch's order
/// is a permutation drawn from a Generator seeded by (seed, epoch), so a stream can start at any
/// step (<see cref="IBatchStream"/>); the last partial batch of an epoch is dropped.
/// Texts are tokenized when their batch is asked for: holding every review's ids instead would
/// cost length x 8 bytes per review (100 MB for IMDB's 25,000 at length 500).
/// </summary>
public sealed class TextBatches : IBatchStream
{
    readonly IReadOnlyList<Review> reviews;
    readonly Vocabulary vocabulary;
    readonly int length;
    readonly EpochOrder order;

    public int BatchesPerEpoch => order.BatchesPerEpoch;

    /// <param name="length">Tokens per review, after cutting or padding.</param>
    /// <param name="startStep">The step of the first batch: batch k of this stream is batch
    /// startStep + k of the stream started at 0.</param>
    public TextBatches(IReadOnlyList<Review> reviews, Vocabulary vocabulary, int length, int batchSize, ulong seed, long startStep = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        if (batchSize <= 0 || batchSize > reviews.Count)
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, $"batch size must be in [1, {reviews.Count}] (the number of reviews)");
        ArgumentOutOfRangeException.ThrowIfNegative(startStep);
        (this.reviews, this.vocabulary, this.length) = (reviews, vocabulary, length);
        order = new EpochOrder(reviews.Count, batchSize, seed, startStep);
    }

    public Batch Next() => Encode(reviews, order.Next(), vocabulary, length);

    /// <summary>
    /// Every review in its stored order, in batches of <paramref name="batchSize"/>, the last one
    /// partial: evaluation batches. The caller disposes each.
    /// </summary>
    public static IEnumerable<Batch> InOrder(IReadOnlyList<Review> reviews, Vocabulary vocabulary, int length, int batchSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        for (int first = 0; first < reviews.Count; first += batchSize)
        {
            long[] indices = Enumerable.Range(first, Math.Min(batchSize, reviews.Count - first)).Select(i => (long)i).ToArray();
            yield return Encode(reviews, indices, vocabulary, length);
        }
    }

    static Batch Encode(IReadOnlyList<Review> reviews, ReadOnlySpan<long> indices, Vocabulary vocabulary, int length)
    {
        var texts = new string[indices.Length];
        var labels = new long[indices.Length];
        for (int i = 0; i < indices.Length; i++)
        {
            Review review = reviews[(int)indices[i]];
            (texts[i], labels[i]) = (review.Text, review.Label);
        }
        return new Batch(vocabulary.EncodeBatch(texts, length), tensor(labels, [labels.Length]));
    }

    public void Dispose() { }
}
