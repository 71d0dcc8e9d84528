using System.Buffers.Binary;
using System.IO.Compression;

namespace Repro.Data.Tests.Sets;

public class IdxTests
{
    static byte[] Idx(int magic, int[] dims, byte[] data)
    {
        var bytes = new byte[4 + 4 * dims.Length + data.Length];
        BinaryPrimitives.WriteInt32BigEndian(bytes, magic);
        for (int d = 0; d < dims.Length; d++) BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * d), dims[d]);
        data.CopyTo(bytes, 4 + 4 * dims.Length);
        return bytes;
    }

    static void WriteGzip(string path, byte[] bytes)
    {
        using var file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        gzip.Write(bytes);
    }

    [Test]
    public void ReadsRawAndGzipImageSets()
    {
        using var dir = new TempFolder();
        byte[] pixels = Enumerable.Range(0, 2 * 3 * 4).Select(i => (byte)i).ToArray();
        File.WriteAllBytes(dir.File("img"), Idx(0x803, [2, 3, 4], pixels));
        WriteGzip(dir.File("lbl.gz"), Idx(0x801, [2], [5, 9]));
        var set = Repro.Data.Idx.ReadImageSet(dir.File("img"), dir.File("lbl.gz"), classes: 10);
        Assert.That((set.Count, set.Channels, set.Height, set.Width), Is.EqualTo((2, 1, 3, 4)));
        Assert.That(set.Pixels, Is.EqualTo(pixels));
        Assert.That(set.Labels, Is.EqualTo(new[] { 5, 9 }));
    }

    [Test]
    public void ATruncatedOrDamagedGzipIsSaidToBeOne()
    {
        using var dir = new TempFolder();
        WriteGzip(dir.File("img.gz"), Idx(0x803, [4, 8, 8], Enumerable.Range(0, 256).Select(i => (byte)(i * 7)).ToArray()));
        byte[] whole = File.ReadAllBytes(dir.File("img.gz"));
        File.WriteAllBytes(dir.File("cut.gz"), whole[..(whole.Length / 2)]);
        Assert.That(() => Repro.Data.Idx.Read(dir.File("cut.gz"), Repro.Data.Idx.ImagesMagic), Throws.InstanceOf<DataFormatException>()
            .With.Message.StartsWith(dir.File("cut.gz") + ": a damaged").And.Message.Contains("gzip"));
        byte[] flipped = (byte[])whole.Clone();
        flipped[whole.Length / 2] ^= 0x5a;
        File.WriteAllBytes(dir.File("flip.gz"), flipped);
        Assert.That(() => Repro.Data.Idx.Read(dir.File("flip.gz"), Repro.Data.Idx.ImagesMagic), Throws.InstanceOf<DataFormatException>()
            .With.Message.StartsWith(dir.File("flip.gz") + ": "));
    }

    [Test]
    public void AWrongMagicNumberIsNamed()
    {
        using var dir = new TempFolder();
        File.WriteAllBytes(dir.File("lbl"), Idx(0x803, [2], [1, 2]));
        var e = Assert.Throws<DataFormatException>(() => Repro.Data.Idx.Read(dir.File("lbl"), Repro.Data.Idx.LabelsMagic));
        Assert.That(e!.Message, Is.EqualTo($"{dir.File("lbl")}: magic number 0x00000803, expected 0x00000801 (labels, unsigned bytes)"));
    }

    [Test]
    public void DimensionsAndCountsAreCheckedAgainstTheHeader()
    {
        using var dir = new TempFolder();
        File.WriteAllBytes(dir.File("short"), Idx(0x803, [2, 2, 2], new byte[7]));
        Assert.That(() => Repro.Data.Idx.Read(dir.File("short"), Repro.Data.Idx.ImagesMagic),
            Throws.InstanceOf<DataFormatException>().With.Message.Contains("promises 2 x 2 x 2 = 8 bytes").And.Message.Contains("has 7"));
        File.WriteAllBytes(dir.File("img"), Idx(0x803, [3, 1, 1], new byte[3]));
        File.WriteAllBytes(dir.File("lbl"), Idx(0x801, [2], new byte[2]));
        Assert.That(() => Repro.Data.Idx.ReadImageSet(dir.File("img"), dir.File("lbl"), 10),
            Throws.InstanceOf<DataFormatException>().With.Message.Contains("2 labels for 3 images"));
        File.WriteAllBytes(dir.File("lbl3"), Idx(0x801, [3], [0, 10, 1]));
        Assert.That(() => Repro.Data.Idx.ReadImageSet(dir.File("img"), dir.File("lbl3"), 10),
            Throws.InstanceOf<DataFormatException>().With.Message.Contains("label 1 is 10"));
    }

    [Test]
    public void CorruptGzipIsAnErrorNamingTheFile()
    {
        using var dir = new TempFolder();
        File.WriteAllBytes(dir.File("bad.gz"), [0x1f, 0x8b, 8, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
        Assert.That(() => Repro.Data.Idx.Read(dir.File("bad.gz"), Repro.Data.Idx.LabelsMagic),
            Throws.InstanceOf<DataFormatException>().With.Message.StartsWith(dir.File("bad.gz")));
    }
}
