using Repro.Torch;
using Repro.Torch.Modules;
using static Repro.Torch.torch;

namespace Repro.Models;

/// <summary>
/// The paper's text classifier (IMDB): embedding, a one-layer GRU read left to right, its hidden
/// state after each review's last token, and the logit layer. Parameter names as in PyTorch
/// (embedding.weight, gru.weight_ih_l0, gru.weight_hh_l0, gru.bias_ih_l0, gru.bias_hh_l0,
/// fc.weight, fc.bias) and PyTorch's default initialization; the padding row of the embedding
/// (id 0) starts at zero and gets no gradient, as nn.Embedding(padding_idx=0).
/// <para>
/// Padding: inputs are right-padded with <see cref="PadId"/> (as Repro.Data's
/// Vocabulary.EncodeBatch makes them). The GRU runs over the whole padded batch, and each
/// review is represented by the GRU's output at its last real token, position length - 1 with
/// length the number of non-pad ids. That output has seen the review and none of its padding (a
/// GRU step depends only on earlier steps), so the logits do not depend on how much padding a
/// batch has. A review with no tokens at all uses position 0.
/// </para>
/// </summary>
public sealed class GruClassifier : Classifier
{
    /// <summary>The padding id (Repro.Data.Text.Vocabulary.Pad).</summary>
    public const long PadId = 0;

    readonly Embedding embedding;
    readonly GRU gru;
    readonly Linear fc;
    readonly long hidden;

    public override Linear LogitLayer => fc;

    /// <param name="vocab">Rows of the embedding table, the padding id 0 included.</param>
    public GruClassifier(long vocab, long embedding, long hidden, int classes, Generator generator, ScalarType dtype = ScalarType.Float32)
    {
        if (vocab < 2) throw new ArgumentException($"the vocabulary needs the padding id and at least one token; got {vocab} entries", nameof(vocab));
        if (embedding < 1 || hidden < 1 || classes < 1)
            throw new ArgumentException($"embedding ({embedding}), hidden ({hidden}) and classes ({classes}) must be positive");
        this.hidden = hidden;
        this.embedding = RegisterModule(nameof(embedding), nn.Embedding(vocab, embedding, generator, paddingIdx: PadId));
        gru = RegisterModule(nameof(gru), nn.GRU(embedding, hidden, generator, batchFirst: true));
        fc = RegisterModule(nameof(fc), nn.Linear(hidden, classes, generator));
        to(dtype);
    }

    /// <param name="tokens">int64 token ids (N, T), right-padded with 0.</param>
    public override Tensor forward(Tensor tokens)
    {
        if (tokens.ndim != 2 || tokens.dtype != ScalarType.Int64 || tokens.size(1) == 0)
            throw new ArgumentException($"GruClassifier expects int64 token ids (N, T) with T >= 1; got {tokens.dtype} of shape [{string.Join(", ", tokens.shape)}]", nameof(tokens));
        using var scope = NewDisposeScope();
        long n = tokens.size(0);
        Tensor e = embedding.forward(tokens);                                      // (N, T, E)
        var (outputs, _) = gru.forward(e);                                         // (N, T, H)
        Tensor lengths = tokens.ne(PadId).sum([1]);                                // (N)
        // Position of the last real token; clamp's floating-point bound makes it float again.
        Tensor last = (lengths - 1).clamp(min: 0).to(ScalarType.Int64);           // (N)
        Tensor final = outputs.gather(1, last.view(n, 1, 1).expand(n, 1, hidden)); // (N, 1, H)
        return fc.forward(final.squeeze(1)).MoveToOuterDisposeScope();             // (N, K)
    }
}
