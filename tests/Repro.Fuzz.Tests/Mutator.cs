using System.Buffers.Binary;

namespace Repro.Fuzz.Tests;

/// <summary>
/// Seeded mutations of valid files, in the manner of AFL's "havoc" stage: truncations, bit flips,
/// bytes and 32-bit words set to boundary values, chunks deleted, duplicated or spliced in from
/// another seed, and tokens of the format (quotes, markers, keywords) inserted or written over.
/// The same seed gives the same inputs, so a failure is reproduced by its input number.
/// </summary>
public sealed class Mutator(int seed, IReadOnlyList<byte[]> seeds, IReadOnlyList<byte[]> tokens)
{
    readonly Random random = new(seed);
    readonly byte[][] tokenBytes = tokens.ToArray();

    static readonly byte[] Bytes = [0x00, 0x01, 0x7f, 0x80, 0xff, 0xfe, (byte)'"', (byte)',', (byte)'\n', (byte)'\r', (byte)'{', (byte)'}'];
    static readonly int[] Words = [0, 1, -1, 255, 256, 0x10000, int.MaxValue, int.MinValue, 0x7fff, 0x8000];

    /// <summary>A mutated copy of one of the seeds, and what was done to it (for messages).</summary>
    public (byte[] bytes, string how) Next()
    {
        int which = random.Next(seeds.Count);
        var bytes = new List<byte>(seeds[which]);
        var how = new List<string> { $"seed {which}" };
        if (random.Next(8) == 0)
        {
            // A cut file alone: the commonest damage in practice (an interrupted download or copy).
            int length = random.Next(bytes.Count);
            bytes.RemoveRange(length, bytes.Count - length);
            how.Add($"truncated to {length}");
            return (bytes.ToArray(), string.Join(", ", how));
        }
        int count = 1 + random.Next(4);
        for (int i = 0; i < count; i++) how.Add(MutateOnce(bytes));
        return (bytes.ToArray(), string.Join(", ", how));
    }

    string MutateOnce(List<byte> bytes)
    {
        if (bytes.Count == 0) { bytes.AddRange(Token()); return "token into an empty file"; }
        int at = random.Next(bytes.Count);
        switch (random.Next(tokenBytes.Length > 0 ? 9 : 7))
        {
            case 0:
                bytes[at] ^= (byte)(1 << random.Next(8));
                return $"bit flipped at {at}";
            case 1:
                bytes[at] = Bytes[random.Next(Bytes.Length)];
                return $"byte set at {at}";
            case 2:
            {
                Span<byte> word = stackalloc byte[4];
                int value = Words[random.Next(Words.Length)] + random.Next(-1, 2);
                if (random.Next(2) == 0) BinaryPrimitives.WriteInt32BigEndian(word, value);
                else BinaryPrimitives.WriteInt32LittleEndian(word, value);
                for (int k = 0; k < 4 && at + k < bytes.Count; k++) bytes[at + k] = word[k];
                return $"word {value} at {at}";
            }
            case 3:
            {
                int length = Math.Min(ChunkLength(), bytes.Count - at);
                bytes.RemoveRange(at, length);
                return $"{length} bytes deleted at {at}";
            }
            case 4:
            {
                int length = Math.Min(ChunkLength(), bytes.Count - at);
                bytes.InsertRange(random.Next(bytes.Count + 1), bytes.GetRange(at, length));
                return $"{length} bytes from {at} duplicated";
            }
            case 5:
            {
                // A splice: this file up to a point, then another seed from a point on.
                byte[] other = seeds[random.Next(seeds.Count)];
                int from = other.Length == 0 ? 0 : random.Next(other.Length);
                bytes.RemoveRange(at, bytes.Count - at);
                bytes.AddRange(other.AsSpan(from).ToArray());
                return $"spliced at {at} with another seed from {from}";
            }
            case 6:
            {
                int length = Math.Min(ChunkLength(), bytes.Count - at);
                for (int k = 0; k < length; k++) bytes[at + k] = (byte)random.Next(256);
                return $"{length} random bytes at {at}";
            }
            case 7:
                bytes.InsertRange(at, Token());
                return $"token inserted at {at}";
            default:
            {
                byte[] token = Token();
                for (int k = 0; k < token.Length && at + k < bytes.Count; k++) bytes[at + k] = token[k];
                return $"token written at {at}";
            }
        }
    }

    byte[] Token() => tokenBytes.Length == 0 ? [Bytes[random.Next(Bytes.Length)]] : tokenBytes[random.Next(tokenBytes.Length)];

    // Mostly short chunks, sometimes long ones: small damage finds off-by-ones, large finds limits.
    int ChunkLength() => random.Next(4) == 0 ? 1 + random.Next(4096) : 1 + random.Next(16);
}
