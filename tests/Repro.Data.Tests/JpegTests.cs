using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;

namespace Repro.Data.Tests;

public class JpegTests
{
    /// <summary>skimage's sample images (fetched on first use into the cache).</summary>
    internal static string Samples => PackageData.JpegSamples(TestContext.Progress.WriteLine);

    internal static readonly string[] Natural = ["rocket.jpg", "hubble_deep_field.jpg", "retina.jpg"];

    /// <summary>Width and height from the JPEG's frame header (SOFn), read without libjpeg: the
    /// independent answer the decoder must agree with.</summary>
    internal static (int width, int height) FrameSize(byte[] jpeg)
    {
        Assert.That(jpeg[0] == 0xFF && jpeg[1] == 0xD8, "no SOI marker");
        int at = 2;
        while (at + 9 < jpeg.Length)
        {
            Assert.That(jpeg[at], Is.EqualTo(0xFF), $"no marker at byte {at}");
            byte marker = jpeg[at + 1];
            if (marker == 0xFF) { at++; continue; }  // fill byte
            int length = BinaryPrimitives.ReadUInt16BigEndian(jpeg.AsSpan(at + 2));
            // SOF0-SOF15, except DHT (C4), JPG (C8) and DAC (CC): length, precision, height, width.
            if (marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC)
                return (BinaryPrimitives.ReadUInt16BigEndian(jpeg.AsSpan(at + 7)), BinaryPrimitives.ReadUInt16BigEndian(jpeg.AsSpan(at + 5)));
            at += 2 + length;
        }
        throw new AssertionException("no frame header (SOFn) found");
    }

    [TestCaseSource(nameof(Natural))]
    public void RealJpegsDecodeToTheSizeTheirFrameHeaderStates(string name)
    {
        string path = Path.Combine(Samples, name);
        byte[] bytes = File.ReadAllBytes(path);
        var (width, height) = FrameSize(bytes);
        var image = Jpeg.Decode(bytes, path);
        Assert.That((image.Width, image.Height), Is.EqualTo((width, height)));
        Assert.That(image.Pixels, Has.Count.EqualTo(width * height * 3));
    }

    [Test]
    public void TheFrameHeadersSayWhatFileSays()
    {
        // `file` (libmagic) reports rocket 640x427, hubble_deep_field 1000x872, retina 1411x1411;
        // this pins the test's own header reader to that independent answer.
        Assert.That(FrameSize(File.ReadAllBytes(Path.Combine(Samples, "rocket.jpg"))), Is.EqualTo((640, 427)));
        Assert.That(FrameSize(File.ReadAllBytes(Path.Combine(Samples, "hubble_deep_field.jpg"))), Is.EqualTo((1000, 872)));
        Assert.That(FrameSize(File.ReadAllBytes(Path.Combine(Samples, "retina.jpg"))), Is.EqualTo((1411, 1411)));
    }

    [TestCaseSource(nameof(Natural))]
    public void PixelsEqualLibjpegsReferenceDecoder(string name)
    {
        const string Djpeg = "/usr/bin/djpeg";
        Assert.That(File.Exists(Djpeg), $"{Djpeg} is missing (Debian libjpeg-turbo-progs, installed by the test project's build)");
        string path = Path.Combine(Samples, name);
        var image = Jpeg.Decode(File.ReadAllBytes(path), path);

        var info = new ProcessStartInfo(Djpeg) { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("-ppm");
        info.ArgumentList.Add(path);
        using var djpeg = Process.Start(info)!;
        using var ppm = new MemoryStream();
        djpeg.StandardOutput.BaseStream.CopyTo(ppm);
        djpeg.WaitForExit();
        Assert.That(djpeg.ExitCode, Is.Zero, djpeg.StandardError.ReadToEnd());
        // P6 header: "P6\n<width> <height>\n255\n", then RGB bytes.
        byte[] bytes = ppm.ToArray();
        int headerEnd = 0;
        for (int newlines = 0; newlines < 3; headerEnd++) if (bytes[headerEnd] == '\n') newlines++;
        string[] header = Encoding.ASCII.GetString(bytes, 0, headerEnd).Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
        Assert.That(header, Is.EqualTo(new[] { "P6", image.Width.ToString(), image.Height.ToString(), "255" }));
        Assert.That(bytes[headerEnd..].SequenceEqual(image.Pixels), "pixels differ from djpeg's");
    }

    [Test]
    public void ChannelsComeOutInRgbOrder()
    {
        // 9 x 5 pixels (odd width: rows are not 4-byte aligned): red, green, blue vertical stripes.
        const int width = 9, height = 5;
        var pixels = new byte[width * height * 3];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                pixels[(y * width + x) * 3 + x / 3] = 255;
        var image = Jpeg.Decode(Jpeg.Encode(pixels, width, height, quality: 100), "stripes");
        Assert.That((image.Width, image.Height), Is.EqualTo((width, height)));
        // Colour at each stripe's centre column; JPEG is lossy, so within a few levels.
        foreach (int x in new[] { 1, 4, 7 })
        {
            var p = image.Pixels.AsSpan((2 * width + x) * 3, 3).ToArray().Select(v => (int)v).ToArray();
            var expected = new int[3];
            expected[x / 3] = 255;
            Assert.That(p.Zip(expected, (a, b) => Math.Abs(a - b)).Max(), Is.LessThanOrEqualTo(12), $"column {x}: {string.Join(",", p)}");
        }
    }

    [Test]
    public void CmykJpegsBecomeRgbAsPilConvertsThem()
    {
        // Stored (Adobe, inverted) C', M', Y', K' = 200, 100, 50, 255 and 200, 100, 50, 128:
        // R, G, B = C'K'/255, M'K'/255, Y'K'/255.
        const int width = 8, height = 8;
        var cmyk = new byte[width * height * 4];
        for (int i = 0; i < width * height; i++)
            (cmyk[4 * i], cmyk[4 * i + 1], cmyk[4 * i + 2], cmyk[4 * i + 3]) = ((byte)200, (byte)100, (byte)50, (byte)(i < 32 ? 255 : 128));
        var image = Jpeg.Decode(Jpeg.Encode(cmyk, width, height, cmyk: true, quality: 100), "cmyk");
        Assert.That((image.Width, image.Height), Is.EqualTo((width, height)));
        int[] Pixel(int i) => image.Pixels.AsSpan(3 * i, 3).ToArray().Select(v => (int)v).ToArray();
        Assert.That(Pixel(0), Is.EqualTo(new[] { 200, 100, 50 }).Within(3));
        Assert.That(Pixel(63), Is.EqualTo(new[] { 100, 50, 25 }).Within(3));
    }

    [Test]
    public void TheTruncatedSampleIsAnErrorNamingTheFile()
    {
        string path = Path.Combine(Samples, "truncated.jpg");
        var e = Assert.Throws<DataFormatException>(() => Jpeg.Read(path));
        Assert.That(e!.Message, Does.StartWith(path).And.Contains("libjpeg"));
        TestContext.Progress.WriteLine(e.Message);
    }

    [Test]
    public void AJpegCutShortInItsScanIsAnErrorNotAGreyImage()
    {
        // libjpeg decodes this with a warning and fills the missing rows with grey.
        string path = Path.Combine(Samples, "rocket.jpg");
        byte[] half = File.ReadAllBytes(path)[..60_000];
        var e = Assert.Throws<DataFormatException>(() => Jpeg.Decode(half, "half-rocket.jpg"));
        Assert.That(e!.Message, Does.StartWith("half-rocket.jpg: ").And.Contains("(libjpeg: Premature end of JPEG file)"));
    }

    [Test]
    public void BytesThatAreNotAJpegAreAnError()
    {
        var garbage = Enumerable.Range(0, 1000).Select(i => (byte)(i * 37 + 11)).ToArray();
        Assert.That(() => Jpeg.Decode(garbage, "noise.jpg"),
            Throws.TypeOf<DataFormatException>().With.Message.StartsWith("noise.jpg: not a readable JPEG").And.Message.Contains("Not a JPEG file"));
        var png = File.ReadAllBytes(Path.Combine(Samples, "chelsea.png"));
        Assert.That(() => Jpeg.Decode(png, "chelsea.JPEG"), Throws.TypeOf<DataFormatException>().With.Message.StartsWith("chelsea.JPEG: "));
        Assert.That(() => Jpeg.Decode([], "empty.jpg"), Throws.TypeOf<DataFormatException>().With.Message.EqualTo("empty.jpg: empty file, not a JPEG"));
        // A valid start and then nothing: the header itself is cut short.
        Assert.That(() => Jpeg.Decode([0xFF, 0xD8, 0xFF], "stub.jpg"), Throws.TypeOf<DataFormatException>().With.Message.StartsWith("stub.jpg: "));
    }

    [Test]
    public void AMissingFileIsAnErrorNamingIt()
    {
        string path = Path.Combine(Path.GetTempPath(), $"repro-no-such-{Guid.NewGuid():N}.jpg");
        Assert.That(() => Jpeg.Read(path), Throws.TypeOf<DataFormatException>().With.Message.StartsWith(path + ": cannot read the file"));
    }

    [Test]
    public void TwoThreadsDecodeTheSameBytesAsOne()
    {
        var files = Natural.Select(n => File.ReadAllBytes(Path.Combine(Samples, n))).ToArray();
        var single = files.Select(f => Jpeg.Decode(f, "one thread").Pixels.ToArray()).ToArray();
        // Both threads decode every image several times, interleaved, each with its own decompressor.
        var results = new byte[2][][];
        var threads = Enumerable.Range(0, 2).Select(t => new Thread(() =>
        {
            var mine = new List<byte[]>();
            for (int round = 0; round < 3; round++)
                for (int i = 0; i < files.Length; i++)
                    mine.Add(Jpeg.Decode(files[(i + t) % files.Length], $"thread {t}").Pixels.ToArray());
            results[t] = mine.ToArray();
        })).ToArray();
        foreach (var t in threads) t.Start();
        foreach (var t in threads) t.Join();
        for (int t = 0; t < 2; t++)
            for (int k = 0; k < results[t].Length; k++)
                Assert.That(results[t][k].SequenceEqual(single[(k % files.Length + t) % files.Length]), $"thread {t}, decode {k}");
    }

    [Test]
    public void AReusedBufferGivesTheSamePixelsAndGrowsOnlyWhenTooSmall()
    {
        string rocket = Path.Combine(Samples, "rocket.jpg"), hubble = Path.Combine(Samples, "hubble_deep_field.jpg");
        byte[] small = File.ReadAllBytes(rocket), large = File.ReadAllBytes(hubble);
        byte[]? buffer = null;
        var first = Jpeg.Decode(large, hubble, ref buffer);
        var kept = buffer;
        Assert.That(first.Pixels.Array, Is.SameAs(kept));
        Assert.That(first.Pixels, Is.EqualTo(Jpeg.Decode(large, hubble).Pixels));
        var second = Jpeg.Decode(small, rocket, ref buffer);
        Assert.That(buffer, Is.SameAs(kept), "large enough: reused");
        Assert.That((second.Pixels.Offset, second.Pixels.Count), Is.EqualTo((0, 640 * 427 * 3)));
        Assert.That(second.Pixels, Is.EqualTo(Jpeg.Decode(small, rocket).Pixels));
        byte[]? tiny = new byte[10];
        var tooSmall = tiny;
        var grown = Jpeg.Decode(small, rocket, ref tiny);
        Assert.That(tiny, Is.Not.SameAs(tooSmall), "too small: replaced");
        Assert.That(grown.Pixels.Array, Is.SameAs(tiny));
        Assert.That(tiny!, Has.Length.EqualTo(640 * 427 * 3));
    }

    [Test]
    public void AFailedDecodeLeavesTheThreadsDecoderUsable()
    {
        // A failure inside the header (truncated.jpg ends in a Huffman table) used to leave
        // TurboJPEG's handle mid-header, and the next good file failed too.
        string path = Path.Combine(Samples, "rocket.jpg");
        byte[] good = File.ReadAllBytes(path);
        var before = Jpeg.Decode(good, path).Pixels;
        Assert.Throws<DataFormatException>(() => Jpeg.Read(Path.Combine(Samples, "truncated.jpg")));
        Assert.That(Jpeg.Decode(good, path).Pixels.SequenceEqual(before), "after a header failure");
        Assert.Throws<DataFormatException>(() => Jpeg.Decode(good[..60_000], "half"));
        Assert.That(Jpeg.Decode(good, path).Pixels.SequenceEqual(before), "after a scan failure");
        Assert.Throws<DataFormatException>(() => Jpeg.Decode([0xFF, 0xD8, 0xFF, 0xC4, 0x00], "stub"));
        Assert.That(Jpeg.Decode(good, path).Pixels.SequenceEqual(before), "after a cut marker");
    }
}
