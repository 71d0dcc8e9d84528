namespace Repro.Data;

/// <summary>
/// The standard augmentation for 32x32 images (CIFAR-10, WRN): pad each side with `Padding`
/// zero pixels, take a random crop of the original size, and flip it horizontally with
/// probability 1/2. The random choices come from the batch loader's Generator, so a seed fixes
/// every batch.
/// </summary>
public static class CropAndFlip
{
    public const int Padding = 4;

    /// <summary>Offsets dx, dy in [0, 2 * Padding] into the padded image, and a flip.</summary>
    public readonly record struct Choice(int Dx, int Dy, bool Flip);

    /// <summary>Writes the augmented, normalized image: out(c, y, x) = padded(c, y + dy, x' + dx),
    /// with x' mirrored when flipping; padding pixels are byte 0. Crop and normalization are one
    /// pass, a row at a time (it runs beside training, on the same cores).</summary>
    public static void Apply(ReadOnlySpan<byte> source, Span<float> target, int channels, int height, int width,
        Choice choice, Normalization normalization)
    {
        // Columns x of the unflipped output row that read source columns x + shift.
        int shift = choice.Dx - Padding;
        int first = Math.Max(0, -shift), last = Math.Min(width, width - shift);  // [first, last)
        for (int c = 0; c < channels; c++)
        {
            var table = normalization.Table(c);
            float zero = table[0];
            var src = source.Slice(c * height * width, height * width);
            var dst = target.Slice(c * height * width, height * width);
            for (int y = 0; y < height; y++)
            {
                int sy = y + choice.Dy - Padding;
                var row = dst.Slice(y * width, width);
                if (sy < 0 || sy >= height || first >= last)
                {
                    row.Fill(zero);
                    continue;
                }
                row[..first].Fill(zero);
                row[last..].Fill(zero);
                var from = src.Slice(sy * width + first + shift, last - first);
                for (int x = 0; x < from.Length; x++) row[first + x] = table[from[x]];
                if (choice.Flip) row.Reverse();
            }
        }
    }
}
