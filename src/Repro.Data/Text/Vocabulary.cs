using Repro.Torch;
using static Repro.Torch.torch;

namespace Repro.Data;

/// <summary>
/// Word indices for an embedding table, built from training texts only (so test words the model
/// never saw map to <c>&lt;unk&gt;</c>). Index 0 is <c>&lt;pad&gt;</c>, 1 is <c>&lt;unk&gt;</c>, then the
/// words seen at least minCount times, most frequent first; words with equal counts in ordinal
/// order, so the same texts give the same indices on every machine. Immutable once built.
/// </summary>
public sealed class Vocabulary
{
    public const long Pad = 0, Unknown = 1;
    public const string PadWord = "<pad>", UnknownWord = "<unk>";

    readonly string[] words;
    readonly Dictionary<string, long> indices;

    Vocabulary(string[] words)
    {
        this.words = words;
        indices = new Dictionary<string, long>(words.Length, StringComparer.Ordinal);
        // The reserved entries are not words: Tokenizer never produces them, and a token spelled
        // "<pad>" must not silently become padding.
        for (int i = 2; i < words.Length; i++) indices.Add(words[i], i);
    }

    /// <summary>Entries, <c>&lt;pad&gt;</c> and <c>&lt;unk&gt;</c> included: the embedding table's rows.</summary>
    public int Count => words.Length;

    /// <summary>The word at <paramref name="index"/> (0 <c>&lt;pad&gt;</c>, 1 <c>&lt;unk&gt;</c>).</summary>
    public string this[long index] => words[index];

    /// <summary>The index of <paramref name="word"/>, or <see cref="Unknown"/>.</summary>
    public long IndexOf(string word) => indices.GetValueOrDefault(word, Unknown);

    /// <summary>Counts the <see cref="Tokenizer"/>'s tokens of <paramref name="texts"/>; keeps words
    /// seen at least <paramref name="minCount"/> times, at most <paramref name="maxSize"/> entries in
    /// all (the two reserved ones included; null: no limit).</summary>
    public static Vocabulary Build(IEnumerable<string> texts, int minCount = 1, int? maxSize = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(minCount, 1);
        if (maxSize is < 2) throw new ArgumentOutOfRangeException(nameof(maxSize), maxSize, $"must be at least 2 ({PadWord} and {UnknownWord})");
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (string text in texts)
            foreach (string token in Tokenizer.Tokenize(text))
                counts[token] = counts.GetValueOrDefault(token) + 1;
        var kept = counts.Where(c => c.Value >= minCount)
            .OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal)
            .Select(c => c.Key);
        if (maxSize is { } max) kept = kept.Take(max - 2);
        return new Vocabulary([PadWord, UnknownWord, .. kept]);
    }

    /// <summary>The indices of <paramref name="text"/>'s tokens, cut or padded to <paramref name="length"/>.</summary>
    public long[] Encode(string text, int length) => Encode(Tokenizer.Tokenize(text), length);

    /// <summary>The indices of <paramref name="tokens"/>, exactly <paramref name="length"/> of them:
    /// the first <paramref name="length"/> tokens are kept (a review's opening is kept, its end cut),
    /// and a shorter text is padded at the end with <see cref="Pad"/> (0).</summary>
    public long[] Encode(IReadOnlyList<string> tokens, int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        var indices = new long[length];
        EncodeInto(tokens, indices);
        return indices;
    }

    /// <summary>Encodes each text as <see cref="Encode(string, int)"/> does, into an int64 tensor
    /// [texts, length] (CPU). The caller owns it.</summary>
    public Tensor EncodeBatch(IReadOnlyList<string> texts, int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        var indices = new long[(long)texts.Count * length];
        for (int i = 0; i < texts.Count; i++)
            EncodeInto(Tokenizer.Tokenize(texts[i]), indices.AsSpan(i * length, length));
        return tensor(indices, [texts.Count, length]);
    }

    void EncodeInto(IReadOnlyList<string> tokens, Span<long> destination)
    {
        int n = Math.Min(tokens.Count, destination.Length);
        for (int i = 0; i < n; i++) destination[i] = IndexOf(tokens[i]);
        destination[n..].Fill(Pad);
    }
}
