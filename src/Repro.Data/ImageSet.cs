namespace Repro.Data;

/// <summary>
/// Images held in memory as bytes, N x C x H x W (channel-planar, row-major, as CIFAR-10 stores
/// them), with one label per image in [0, Classes).
/// </summary>
public sealed class ImageSet
{
    public byte[] Pixels { get; }
    public int[] Labels { get; }
    public int Channels { get; }
    public int Height { get; }
    public int Width { get; }
    public int Classes { get; }
    /// <summary>Where the images came from (a file, folder or generator), for messages.</summary>
    public string Source { get; }

    public int Count => Labels.Length;
    public int ImageSize => Channels * Height * Width;

    public ImageSet(byte[] pixels, int[] labels, int channels, int height, int width, int classes, string source)
    {
        if (pixels.Length != (long)labels.Length * channels * height * width)
            throw new ArgumentException($"{source}: {pixels.Length} pixel bytes for {labels.Length} images of {channels}x{height}x{width}");
        int bad = Array.FindIndex(labels, l => l < 0 || l >= classes);
        if (bad >= 0) throw new ArgumentException($"{source}: image {bad} has label {labels[bad]}, outside [0, {classes})");
        (Pixels, Labels, Channels, Height, Width, Classes, Source) = (pixels, labels, channels, height, width, classes, source);
    }

    public ReadOnlySpan<byte> Image(int index) => Pixels.AsSpan(index * ImageSize, ImageSize);

    /// <summary>How many images carry each label.</summary>
    public int[] ClassCounts()
    {
        var counts = new int[Classes];
        foreach (int l in Labels) counts[l]++;
        return counts;
    }

    /// <summary>The first <paramref name="count"/> images (a subset for short runs).</summary>
    public ImageSet Take(int count)
    {
        count = Math.Min(count, Count);
        return new ImageSet(Pixels[..(count * ImageSize)], Labels[..count], Channels, Height, Width, Classes, $"{Source} (first {count})");
    }

    /// <summary>Images <paramref name="start"/> to <paramref name="start"/> + <paramref name="count"/> - 1
    /// (to split one generated set into training and test parts that share its classes).</summary>
    public ImageSet Slice(int start, int count)
    {
        if (start < 0 || count < 1 || start + count > Count)
            throw new ArgumentOutOfRangeException(nameof(count), $"{Source}: images [{start}, {start + count}) are not within its {Count}");
        return new ImageSet(Pixels[(start * ImageSize)..((start + count) * ImageSize)], Labels[start..(start + count)],
            Channels, Height, Width, Classes, $"{Source} [{start}, {start + count})");
    }

    /// <summary>The images at <paramref name="indices"/>, in that order (a split's part, <see cref="Holdout"/>).</summary>
    public ImageSet Select(IReadOnlyList<int> indices, string part)
    {
        var pixels = new byte[(long)indices.Count * ImageSize];
        var labels = new int[indices.Count];
        for (int i = 0; i < indices.Count; i++)
        {
            if (indices[i] < 0 || indices[i] >= Count)
                throw new ArgumentOutOfRangeException(nameof(indices), $"{Source}: image {indices[i]} is not within its {Count}");
            Image(indices[i]).CopyTo(pixels.AsSpan(i * ImageSize, ImageSize));
            labels[i] = Labels[indices[i]];
        }
        return new ImageSet(pixels, labels, Channels, Height, Width, Classes, $"{Source} ({part}, {indices.Count} images)");
    }

    /// <summary>The images centred on a black (zero) canvas of <paramref name="size"/> x <paramref name="size"/>:
    /// Fashion-MNIST's 28x28 images padded to the 32x32 a CIFAR network expects.</summary>
    public ImageSet PadTo(int size)
    {
        if (size < Height || size < Width)
            throw new ArgumentException($"{Source}: cannot pad {Height}x{Width} images to {size}x{size}", nameof(size));
        int top = (size - Height) / 2, left = (size - Width) / 2, padded = Channels * size * size;
        var pixels = new byte[Count * padded];
        for (int i = 0; i < Count; i++)
            for (int c = 0; c < Channels; c++)
                for (int row = 0; row < Height; row++)
                    Pixels.AsSpan(i * ImageSize + (c * Height + row) * Width, Width)
                        .CopyTo(pixels.AsSpan(i * padded + (c * size + top + row) * size + left));
        return new ImageSet(pixels, Labels, Channels, size, size, Classes, $"{Source} (padded to {size}x{size})");
    }
}
