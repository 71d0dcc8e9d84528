using System.Runtime.ExceptionServices;
using static Repro.Torch.torch;

namespace Repro.Data;

/// <summary>
/// An ImageNet-style split (DATA.md): `&lt;root&gt;/&lt;split&gt;/&lt;class&gt;/*.JPEG`, one folder per
/// class. Classes are the folder names in ordinal order and a class's label is its position, as
/// torchvision's ImageFolder numbers them (so wnids sort to the standard 0-999). Files are listed
/// class by class, in ordinal name order. The extension may be .JPEG, .jpg or .jpeg in any case;
/// anything else in the layout (a stray file, a nested folder, an empty class) is an error that
/// names it, never skipped. Images are decoded on demand, on several threads.
/// </summary>
public sealed class ImageFolder
{
    /// <summary>&lt;root&gt;/&lt;split&gt;, the folder holding the class folders.</summary>
    public string Folder { get; }
    public IReadOnlyList<string> Classes { get; }
    /// <summary>Full paths, class by class.</summary>
    public IReadOnlyList<string> Files { get; }
    /// <summary>The class index of each file.</summary>
    public IReadOnlyList<int> Labels { get; }
    public int Count => Files.Count;

    /// <summary>A split; with <paramref name="labelsFrom"/> (the training split), its labels are that split's:
    /// a class is matched by its folder name, never by its position, so that a renamed, missing or
    /// extra class folder cannot shift the labels. The split must hold the same classes, or (with
    /// <paramref name="allowSubset"/>) some of them; anything else names the folder and the
    /// classes that differ.</summary>
    public ImageFolder(string root, string split, ImageFolder? labelsFrom = null, bool allowSubset = false)
    {
        Folder = Path.Combine(root, split);
        string layout = $"{Path.Combine(root, split, "<class>", "*.JPEG")} (one folder of JPEGs per class, e.g. {split}/n01440764/n01440764_10026.JPEG)";
        if (!Directory.Exists(Folder))
            throw new DataFormatException(Folder, $"not found: an ImageNet-style split is read from {layout}, under the data folder (REPRO_DATA or --data)");

        var entries = new DirectoryInfo(Folder).GetFileSystemInfos();
        var classFolders = entries.OfType<DirectoryInfo>().Select(d => d.Name).Order(StringComparer.Ordinal).ToArray();
        if (entries.FirstOrDefault(e => e is not DirectoryInfo) is { } stray)
            throw new DataFormatException(stray.FullName, IsJpegName(stray.Name)
                ? $"an image directly in {split}/: expected class folders, {layout} (ImageNet's validation images must first be sorted into class folders)"
                : $"unexpected file: {split}/ must hold only class folders, {layout}");
        if (classFolders.Length == 0) throw new DataFormatException(Folder, $"no class folders: expected {layout}");

        var classes = labelsFrom?.Classes ?? classFolders;
        if (labelsFrom is not null)
        {
            var extra = classFolders.Except(classes, StringComparer.Ordinal).ToList();
            var missing = classes.Except(classFolders, StringComparer.Ordinal).ToList();
            if (extra.Count > 0 || (missing.Count > 0 && !allowSubset))
                throw new DataFormatException(Folder,
                    $"its classes differ from those of {labelsFrom.Folder}, which define the labels: " +
                    string.Join("; ", new[] { (extra, "not in"), (allowSubset ? [] : missing, "missing here, present in") }
                        .Where(d => d.Item1.Count > 0)
                        .Select(d => $"{d.Item1.Count} {d.Item2} {Path.GetFileName(labelsFrom.Folder)}/ ({Names(d.Item1)})")));
        }
        var labelOf = classes.Select((name, label) => (name, label)).ToDictionary(c => c.name, c => c.label, StringComparer.Ordinal);
        var files = new List<string>();
        var labels = new List<int>();
        foreach (string name in classFolders)
        {
            var images = ListClass(Path.Combine(Folder, name));
            files.AddRange(images);
            labels.AddRange(Enumerable.Repeat(labelOf[name], images.Length));
        }
        (Classes, Files, Labels) = (classes, files, labels);
    }

    static string Names(IReadOnlyList<string> names) =>
        string.Join(", ", names.Take(5)) + (names.Count > 5 ? $", ... {names.Count - 5} more" : "");

    ImageFolder(string folder, IReadOnlyList<string> classes, IReadOnlyList<string> files, IReadOnlyList<int> labels) =>
        (Folder, Classes, Files, Labels) = (folder, classes, files, labels);

    /// <summary>The files at <paramref name="indices"/>, in that order, with every class kept (a split's
    /// part, <see cref="Holdout"/>: labels stay those of the whole folder).</summary>
    public ImageFolder Select(IReadOnlyList<int> indices)
    {
        foreach (int i in indices)
            if (i < 0 || i >= Count) throw new ArgumentOutOfRangeException(nameof(indices), $"{Folder}: file {i} is not within its {Count}");
        return new ImageFolder(Folder, Classes, indices.Select(i => Files[i]).ToList(), indices.Select(i => Labels[i]).ToList());
    }

    static bool IsJpegName(string name) =>
        Path.GetExtension(name).ToLowerInvariant() is ".jpeg" or ".jpg";

    static string[] ListClass(string folder)
    {
        var entries = new DirectoryInfo(folder).GetFileSystemInfos();
        foreach (var entry in entries)
        {
            if (entry is DirectoryInfo)
                throw new DataFormatException(entry.FullName, IsJpegName(entry.Name)
                    ? "a folder named like an image: class folders hold JPEG files only"
                    : "a nested folder: class folders hold JPEG files only, one level deep");
            if (!IsJpegName(entry.Name))
                throw new DataFormatException(entry.FullName, "not a JPEG by its name (.JPEG, .jpg or .jpeg): class folders hold JPEG files only");
        }
        if (entries.Length == 0) throw new DataFormatException(folder, "empty class folder: no .JPEG images (every class needs at least one)");
        return entries.Select(e => e.FullName).Order(StringComparer.Ordinal).ToArray();
    }

    /// <summary>
    /// Decodes the files at <paramref name="indices"/> on <paramref name="threads"/> threads and
    /// applies <paramref name="transform"/> (given the image and its position in
    /// <paramref name="indices"/>, to find its share of pre-drawn random numbers). The result
    /// depends on neither the thread count nor the schedule. If several files fail, the error of
    /// the first in <paramref name="indices"/> is thrown, naming the file.
    /// </summary>
    public RgbImage[] Decode(IReadOnlyList<int> indices, Func<RgbImage, int, RgbImage> transform, int threads)
    {
        var images = new RgbImage[indices.Count];
        ForEachDecoded(indices, (decoded, i) =>
        {
            var image = transform(decoded, i);
            images[i] = image.Pixels.Array == decoded.Pixels.Array ? new RgbImage(image.Pixels.ToArray(), image.Height, image.Width) : image;
        }, threads);
        return images;
    }

    /// <summary>
    /// Decodes the files at <paramref name="indices"/> on <paramref name="threads"/> threads and
    /// hands each image to <paramref name="use"/> with its position in <paramref name="indices"/>.
    /// The image views the thread's reused decoding buffer, so it is valid only during the call:
    /// for consumers that write a transformed copy straight into its slot of a batch and keep
    /// nothing. An exception from <paramref name="use"/> becomes a "transform failed" error naming
    /// the file; if several files fail, the error of the first in <paramref name="indices"/> is
    /// thrown, whatever the thread count and schedule.
    /// </summary>
    public void ForEachDecoded(IReadOnlyList<int> indices, Action<RgbImage, int> use, int threads)
    {
        if (threads <= 0) throw new ArgumentOutOfRangeException(nameof(threads), threads, "must be >= 1");
        var errors = new Exception?[indices.Count];
        Parallel.For(0, indices.Count, new ParallelOptions { MaxDegreeOfParallelism = threads }, i =>
        {
            string file = Files[indices[i]];
            RgbImage decoded;
            try
            {
                decoded = Jpeg.Decode(Jpeg.ReadFile(file, ref fileBuffer), file, ref pixelBuffer);
            }
            catch (DataFormatException e)
            {
                errors[i] = e;
                return;
            }
            try
            {
                use(decoded, i);
            }
            catch (Exception e)
            {
                errors[i] = new DataFormatException(file, $"transform failed: {e.Message}", e);
                return;
            }
            if (pixelBuffer!.Length > KeptBufferBytes) pixelBuffer = null;
        });
        if (errors.FirstOrDefault(e => e is not null) is { } first) ExceptionDispatchInfo.Throw(first);
    }

    // Each decoding thread reuses its buffers for the file and the full-size image, which the
    // transform only reads: fresh multi-megabyte arrays per image cost 10-25% of the decoding.
    // A rare huge image's buffer is not kept, so that idle pool threads do not each hold one.
    [ThreadStatic] static byte[]? fileBuffer, pixelBuffer;
    const int KeptBufferBytes = 24 << 20;  // 8 megapixels of RGB

    /// <summary>The transformed images as bytes, C x H x W (every transformed image must have one size).</summary>
    public ImageSet LoadImages(IReadOnlyList<int> indices, Func<RgbImage, int, RgbImage> transform, int threads)
    {
        var images = Decode(indices, transform, threads);
        var (height, width) = CommonSize(images, indices);
        int size = 3 * height * width;
        var pixels = new byte[(long)images.Length * size];
        Parallel.For(0, images.Length, new ParallelOptions { MaxDegreeOfParallelism = threads },
            i => ImageTransforms.ToPlanar(images[i], pixels.AsSpan(i * size, size)));
        return new ImageSet(pixels, indices.Select(i => Labels[i]).ToArray(), 3, height, width, Classes.Count, $"{Folder} ({images.Length} images)");
    }

    /// <summary>The transformed images as a normalized float32 batch [N, 3, H, W] with int64 labels [N].</summary>
    public Batch LoadBatch(IReadOnlyList<int> indices, Func<RgbImage, int, RgbImage> transform, Normalization normalization, int threads)
    {
        var images = Decode(indices, transform, threads);
        var (height, width) = CommonSize(images, indices);
        int size = 3 * height * width;
        var floats = GC.AllocateUninitializedArray<float>(images.Length * size);
        Parallel.For(0, images.Length, new ParallelOptions { MaxDegreeOfParallelism = threads },
            i => ImageTransforms.Normalize(images[i], floats.AsSpan(i * size, size), normalization));
        var labels = indices.Select(i => (long)Labels[i]).ToArray();
        var x = tensor(floats, [images.Length, 3, height, width]);
        try
        {
            return new Batch(x, tensor(labels, [labels.Length]));
        }
        catch
        {
            x.Dispose();
            throw;
        }
    }

    (int height, int width) CommonSize(RgbImage[] images, IReadOnlyList<int> indices)
    {
        if (images.Length == 0) throw new ArgumentException("no images to load");
        for (int i = 1; i < images.Length; i++)
            if (images[i].Height != images[0].Height || images[i].Width != images[0].Width)
                throw new ArgumentException(
                    $"the transform made {Files[indices[i]]} {images[i].Height} x {images[i].Width} but {Files[indices[0]]} " +
                    $"{images[0].Height} x {images[0].Width}: a batch needs a transform to one size (e.g. ImageTransforms.Evaluation)");
        return (images[0].Height, images[0].Width);
    }
}
