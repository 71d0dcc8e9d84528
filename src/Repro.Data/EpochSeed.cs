namespace Repro.Data;

/// <summary>
/// The seed of one epoch of a batch stream: a hash of the stream's seed and the epoch number, so
/// any epoch's random draws can be made without making the ones before it. libtorch's CPU
/// generator keeps only the low 32 bits of a seed (mt19937), so the 64-bit hash is folded to 32.
/// </summary>
public static class EpochSeed
{
    public static ulong Of(ulong seed, long epoch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        ulong h = Mix(Mix(seed) + (ulong)epoch);
        return (h ^ (h >> 32)) & 0xFFFF_FFFF;
    }

    /// <summary>SplitMix64's finalizer: a bijection that spreads every input bit over the output.</summary>
    static ulong Mix(ulong x)
    {
        x += 0x9E37_79B9_7F4A_7C15;
        x = (x ^ (x >> 30)) * 0xBF58_476D_1CE4_E5B9;
        x = (x ^ (x >> 27)) * 0x94D0_49BB_1331_11EB;
        return x ^ (x >> 31);
    }
}
