namespace Repro.Data;

/// <summary>Per-channel mean and standard deviation, in units of the [0, 1] pixel scale:
/// x = (byte / 255 - mean[c]) / std[c].</summary>
public sealed record Normalization(float[] Mean, float[] Std)
{
    public static readonly Normalization Cifar10 = new([0.4914f, 0.4822f, 0.4465f], [0.2470f, 0.2435f, 0.2616f]);
    public static readonly Normalization FashionMnist = new([0.2860f], [0.3530f]);
    public static readonly Normalization ImageNet = new([0.485f, 0.456f, 0.406f], [0.229f, 0.224f, 0.225f]);
    /// <summary>Bytes scaled to [0, 1] only.</summary>
    public static Normalization Unit(int channels) => new(new float[channels], Enumerable.Repeat(1f, channels).ToArray());

    float[][]? tables;

    /// <summary>The normalized value of each byte value, for channel <paramref name="c"/>: one
    /// lookup per pixel is cheaper than converting (the loader shares its cores with training).</summary>
    public ReadOnlySpan<float> Table(int c)
    {
        tables ??= Enumerable.Range(0, Mean.Length)
            .Select(ch => Enumerable.Range(0, 256).Select(v => (v / 255f - Mean[ch]) / Std[ch]).ToArray()).ToArray();
        return tables[c];
    }

    public void Check(int channels, string source)
    {
        if (Mean.Length != channels || Std.Length != channels)
            throw new ArgumentException($"normalization has {Mean.Length} channels, {source} has {channels}");
    }

    /// <summary>Converts a CHW byte image into <paramref name="target"/>.</summary>
    public void Apply(ReadOnlySpan<byte> image, Span<float> target, int channels)
    {
        Check(channels, "the image");
        int plane = image.Length / channels;
        for (int c = 0; c < channels; c++)
        {
            var table = Table(c);
            var src = image.Slice(c * plane, plane);
            var dst = target.Slice(c * plane, plane);
            for (int i = 0; i < plane; i++) dst[i] = table[src[i]];
        }
    }
}
