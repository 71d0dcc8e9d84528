using Repro.Data;

namespace Repro.Experiments;

/// <summary>
/// An ImageNet-style folder (train/&lt;class&gt;/*.JPEG, val/&lt;class&gt;/*.JPEG) of synthetic images
/// (<see cref="SyntheticImages"/>) compressed by TurboJPEG at quality 95, so that a smoke cell
/// reads JPEG class folders through the same loader, decoder and transforms as ImageNet. train/
/// holds the first <c>train</c> images of one draw, val/ the next <c>test</c>. Built once per
/// size and seed in the package cache (<see cref="CacheFolder"/>).
/// </summary>
static class SyntheticJpegFolder
{
    const int Quality = 95;

    public static string Ensure(int train, int test, int size, ulong seed)
    {
        return CacheFolder.Ensure(Path.Combine(PackageData.Cache, $"synthetic-jpeg-{train}-{test}-{size}px-seed{seed}-q{Quality}"), building =>
        {
            var images = SyntheticImages.Generate(train + test, seed, size: size);
            Write(images, 0, train, Path.Combine(building, "train"));
            Write(images, train, test, Path.Combine(building, "val"));
        });
    }

    static void Write(ImageSet images, int start, int count, string split)
    {
        // Class folders named so that their ordinal order is the label order (class00, class01, ...).
        string Folder(int label) => Path.Combine(split, $"class{label:D2}");
        for (int label = 0; label < images.Classes; label++) Directory.CreateDirectory(Folder(label));
        var packed = new byte[images.ImageSize];
        int plane = images.Height * images.Width;
        for (int i = start; i < start + count; i++)
        {
            // The set is channel-planar; TurboJPEG takes packed RGB.
            var planar = images.Image(i);
            for (int p = 0; p < plane; p++)
                for (int c = 0; c < 3; c++)
                    packed[p * 3 + c] = planar[c * plane + p];
            File.WriteAllBytes(Path.Combine(Folder(images.Labels[i]), $"{i:D5}.JPEG"), Jpeg.Encode(packed, images.Width, images.Height, quality: Quality));
        }
        for (int label = 0; label < images.Classes; label++)
            if (!Directory.EnumerateFiles(Folder(label)).Any())
                throw new InvalidOperationException($"{images.Source}: no image of class {label} among images {start} to {start + count - 1}; draw more");
    }
}
