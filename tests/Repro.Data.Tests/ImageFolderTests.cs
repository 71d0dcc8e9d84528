using Repro.Data.Tests.Sets;
using Repro.Torch;

namespace Repro.Data.Tests;

public class ImageFolderTests
{
    static string Sample(string name) => Path.Combine(JpegTests.Samples, name);

    /// <summary>train/ with three classes, named so that ordinal order differs from a culture's
    /// ("Zebra" first) and file names so that ordinal order differs from numeric ("1", "10", "2").</summary>
    static string Layout(TempFolder dir)
    {
        var classes = new Dictionary<string, (string file, string sample)[]>
        {
            ["n02"] = [("2.JPEG", "rocket.jpg"), ("1.jpg", "retina.jpg"), ("10.jpeg", "hubble_deep_field.jpg")],
            ["n01"] = [("a.JPEG", "hubble_deep_field.jpg")],
            ["Zebra"] = [("z.JPG", "rocket.jpg"), ("y.JPEG", "retina.jpg")],
        };
        foreach (var (name, files) in classes)
        {
            string folder = Path.Combine(dir.Path, "train", name);
            Directory.CreateDirectory(folder);
            foreach (var (file, sample) in files) File.Copy(Sample(sample), Path.Combine(folder, file));
        }
        return dir.Path;
    }

    static int[] All(ImageFolder folder) => Enumerable.Range(0, folder.Count).ToArray();

    [Test]
    public void ClassesAreSortedOrdinallyAndLabelsAreTheirPositions()
    {
        using var dir = new TempFolder();
        var folder = new ImageFolder(Layout(dir), "train");
        Assert.That(folder.Classes, Is.EqualTo(new[] { "Zebra", "n01", "n02" }));
        Assert.That(folder.Files.Select(f => Path.GetRelativePath(folder.Folder, f)), Is.EqualTo(new[]
        {
            Path.Combine("Zebra", "y.JPEG"), Path.Combine("Zebra", "z.JPG"), Path.Combine("n01", "a.JPEG"),
            Path.Combine("n02", "1.jpg"), Path.Combine("n02", "10.jpeg"), Path.Combine("n02", "2.JPEG"),
        }));
        Assert.That(folder.Labels, Is.EqualTo(new[] { 0, 0, 1, 2, 2, 2 }));
    }

    [Test]
    public void DecodedImagesAreTheFilesImages()
    {
        using var dir = new TempFolder();
        var folder = new ImageFolder(Layout(dir), "train");
        // One thread decodes all three into its reused buffer: what the transform returns must
        // not alias it (here the transform returns the decoded image itself).
        var images = folder.Decode([5, 0, 2], (image, _) => image, threads: 1);
        Assert.That(images[0].Pixels, Is.EqualTo(Jpeg.Read(Sample("rocket.jpg")).Pixels));
        Assert.That(images[1].Pixels, Is.EqualTo(Jpeg.Read(Sample("retina.jpg")).Pixels));
        Assert.That(images[2].Pixels, Is.EqualTo(Jpeg.Read(Sample("hubble_deep_field.jpg")).Pixels));
    }

    [Test]
    public void AnImageSetHoldsTheTransformedImagesPlanarWithTheirLabels()
    {
        using var dir = new TempFolder();
        var folder = new ImageFolder(Layout(dir), "train");
        var set = folder.LoadImages(All(folder), (image, _) => ImageTransforms.Evaluation(image, 40, 32), threads: 2);
        Assert.That((set.Count, set.Channels, set.Height, set.Width, set.Classes), Is.EqualTo((6, 3, 32, 32, 3)));
        Assert.That(set.Labels, Is.EqualTo(folder.Labels));
        var expected = new byte[3 * 32 * 32];
        ImageTransforms.ToPlanar(ImageTransforms.Evaluation(Jpeg.Read(folder.Files[2]), 40, 32), expected);
        Assert.That(set.Image(2).ToArray(), Is.EqualTo(expected));
    }

    [Test]
    public void ABatchIsTheSameOnOneThreadAndOnTwo()
    {
        using var dir = new TempFolder();
        var folder = new ImageFolder(Layout(dir), "train");
        int[] indices = [4, 1, 3, 0, 5, 2];
        float[] images;
        long[] labels;
        Batch Load(int threads)
        {
            // The random numbers are drawn first, on this thread, in image order.
            using var g = new Generator(11);
            var u = ImageTransforms.DrawUniforms(indices.Length, g);
            return folder.LoadBatch(indices, (image, i) => ImageTransforms.Training(image, u.AsSpan(i * ImageTransforms.UniformsPerImage, ImageTransforms.UniformsPerImage), 48),
                Normalization.ImageNet, threads);
        }
        using (var one = Load(1))
        {
            Assert.That(one.Inputs.shape, Is.EqualTo(new long[] { 6, 3, 48, 48 }));
            (images, labels) = (one.Inputs.ToArray<float>(), one.Labels.ToArray<long>());
        }
        Assert.That(labels, Is.EqualTo(indices.Select(i => (long)folder.Labels[i])));
        using var two = Load(2);
        Assert.That(two.Inputs.ToArray<float>(), Is.EqualTo(images));
        Assert.That(two.Labels.ToArray<long>(), Is.EqualTo(labels));
    }

    [Test]
    public void AMissingSplitSaysWhichLayoutIsExpectedWhere()
    {
        using var dir = new TempFolder();
        Layout(dir);
        string val = Path.Combine(dir.Path, "val");
        Assert.That(() => new ImageFolder(dir.Path, "val"), Throws.TypeOf<DataFormatException>().With.Message
            .StartsWith(val + ": not found").And.Message.Contains(Path.Combine(val, "<class>", "*.JPEG")));
    }

    static void Class(TempFolder dir, string split, string name, string sample = "rocket.jpg")
    {
        string folder = Directory.CreateDirectory(Path.Combine(dir.Path, split, name)).FullName;
        File.Copy(Sample(sample), Path.Combine(folder, name + ".JPEG"));
    }

    [Test]
    public void AValidationSplitWhoseClassNamesDifferIsAnErrorNamingThem()
    {
        using var dir = new TempFolder();
        var train = new ImageFolder(Layout(dir), "train");   // Zebra, n01, n02
        foreach (string name in new[] { "Zebra", "n01", "n03" }) Class(dir, "val", name);
        string val = Path.Combine(dir.Path, "val");
        Assert.That(() => new ImageFolder(dir.Path, "val", labelsFrom: train), Throws.TypeOf<DataFormatException>().With.Message
            .StartsWith(val + ": its classes differ from those of " + train.Folder)
            .And.Message.Contains("1 not in train/ (n03)").And.Message.Contains("1 missing here, present in train/ (n02)"));
        // Read on its own the same folder would number n03 as label 2, the label of train/'s n02.
        Assert.That(new ImageFolder(dir.Path, "val").Classes, Is.EqualTo(new[] { "Zebra", "n01", "n03" }));
    }

    [Test]
    public void ASubsetOfTheClassesKeepsTheTrainingSplitsLabelsWhereAllowed()
    {
        using var dir = new TempFolder();
        var train = new ImageFolder(Layout(dir), "train");   // Zebra = 0, n01 = 1, n02 = 2
        Class(dir, "val", "n02");
        Assert.That(() => new ImageFolder(dir.Path, "val", labelsFrom: train), Throws.TypeOf<DataFormatException>().With.Message
            .Contains("2 missing here, present in train/ (Zebra, n01)"));
        var val = new ImageFolder(dir.Path, "val", labelsFrom: train, allowSubset: true);
        Assert.That((val.Classes, val.Labels), Is.EqualTo((train.Classes, new[] { 2 })), "n02 keeps its label, 2, not 0");
    }

    [Test]
    public void AnEmptyClassFolderIsAnError()
    {
        using var dir = new TempFolder();
        Layout(dir);
        string empty = Path.Combine(dir.Path, "train", "n03");
        Directory.CreateDirectory(empty);
        Assert.That(() => new ImageFolder(dir.Path, "train"), Throws.TypeOf<DataFormatException>().With.Message
            .StartsWith(empty + ": empty class folder"));
    }

    [Test]
    public void ImagesWithoutClassFoldersAreAnError()
    {
        using var dir = new TempFolder();
        Directory.CreateDirectory(Path.Combine(dir.Path, "val"));
        File.Copy(Sample("rocket.jpg"), Path.Combine(dir.Path, "val", "ILSVRC2012_val_00000001.JPEG"));
        Assert.That(() => new ImageFolder(dir.Path, "val"), Throws.TypeOf<DataFormatException>().With.Message
            .Contains("ILSVRC2012_val_00000001.JPEG: an image directly in val/").And.Message.Contains("sorted into class folders"));
        Directory.CreateDirectory(Path.Combine(dir.Path, "test"));
        Assert.That(() => new ImageFolder(dir.Path, "test"), Throws.TypeOf<DataFormatException>().With.Message.Contains("no class folders"));
    }

    [Test]
    public void AFileThatIsNotAJpegByNameIsAnError()
    {
        using var dir = new TempFolder();
        Layout(dir);
        string stray = Path.Combine(dir.Path, "train", "n01", "notes.txt");
        File.WriteAllText(stray, "x");
        Assert.That(() => new ImageFolder(dir.Path, "train"), Throws.TypeOf<DataFormatException>().With.Message
            .StartsWith(stray + ": not a JPEG by its name"));
    }

    [Test]
    public void AFolderNamedLikeAnImageIsAnError()
    {
        using var dir = new TempFolder();
        Layout(dir);
        string fake = Path.Combine(dir.Path, "train", "n01", "b.JPEG");
        Directory.CreateDirectory(fake);
        Assert.That(() => new ImageFolder(dir.Path, "train"), Throws.TypeOf<DataFormatException>().With.Message
            .StartsWith(fake + ": a folder named like an image"));
    }

    [Test]
    public void AnUnreadableFileIsNamedWhenDecoding()
    {
        // Tests run as root, where chmod 000 does not stop reading: a dangling link cannot be read by anyone.
        using var dir = new TempFolder();
        Layout(dir);
        string dangling = Path.Combine(dir.Path, "train", "n01", "b.JPEG");
        File.CreateSymbolicLink(dangling, Path.Combine(dir.Path, "nowhere.JPEG"));
        var folder = new ImageFolder(dir.Path, "train");
        int index = folder.Files.ToList().IndexOf(dangling);
        Assert.That(index, Is.EqualTo(3), "listed in its place");
        Assert.That(() => folder.Decode(All(folder), (image, _) => image, threads: 2), Throws.TypeOf<DataFormatException>().With.Message
            .StartsWith(dangling + ": cannot read the file"));
    }

    [Test]
    public void TheFirstBadFileInTheRequestIsReportedWhateverTheThreads()
    {
        using var dir = new TempFolder();
        Layout(dir);
        File.Copy(Sample("truncated.jpg"), Path.Combine(dir.Path, "train", "n01", "b.JPEG"));
        File.WriteAllBytes(Path.Combine(dir.Path, "train", "n02", "0.JPEG"), [1, 2, 3]);
        var folder = new ImageFolder(dir.Path, "train");
        for (int threads = 1; threads <= 2; threads++)
        {
            var e = Assert.Throws<DataFormatException>(() => folder.Decode(All(folder), (image, _) => image, threads));
            Assert.That(e!.Path, Is.EqualTo(Path.Combine(dir.Path, "train", "n01", "b.JPEG")), $"{threads} threads");
        }
    }

    [Test]
    public void ATransformThatFailsNamesTheFile()
    {
        using var dir = new TempFolder();
        var folder = new ImageFolder(Layout(dir), "train");
        Assert.That(() => folder.Decode([0], (image, _) => ImageTransforms.CenterCrop(image, 5000), threads: 1),
            Throws.TypeOf<DataFormatException>().With.Message.StartsWith(folder.Files[0] + ": transform failed"));
        Assert.That(() => folder.LoadImages(All(folder), (image, _) => image, threads: 2),
            Throws.ArgumentException.With.Message.Contains("a batch needs a transform to one size"));
    }
}
