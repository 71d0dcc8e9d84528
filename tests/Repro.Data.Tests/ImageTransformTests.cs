using System.Diagnostics;
using System.Globalization;
using Repro.Data.Tests.Sets;
using Repro.Torch;
using static Repro.Torch.torch;

namespace Repro.Data.Tests;

public class ImageTransformTests
{
    /// <summary>An image whose red channel holds `red[y, x]`, green = 10, blue = 20.</summary>
    static RgbImage Red(int[,] red)
    {
        int h = red.GetLength(0), w = red.GetLength(1);
        var pixels = new byte[h * w * 3];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                (pixels[(y * w + x) * 3], pixels[(y * w + x) * 3 + 1], pixels[(y * w + x) * 3 + 2]) = ((byte)red[y, x], (byte)10, (byte)20);
        return new RgbImage(pixels, h, w);
    }

    static int[,] RedOf(RgbImage image)
    {
        var red = new int[image.Height, image.Width];
        for (int y = 0; y < image.Height; y++)
            for (int x = 0; x < image.Width; x++)
                red[y, x] = image.Pixels[(y * image.Width + x) * 3];
        return red;
    }

    /// <summary>Pixel (y, x) has red = y, green = x, blue = 7.</summary>
    static RgbImage Coordinates(int height, int width)
    {
        var pixels = new byte[height * width * 3];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                (pixels[(y * width + x) * 3], pixels[(y * width + x) * 3 + 1], pixels[(y * width + x) * 3 + 2]) = ((byte)y, (byte)x, (byte)7);
        return new RgbImage(pixels, height, width);
    }

    static RgbImage Noise(int height, int width, ulong seed)
    {
        using var g = new Generator(seed);
        using var t = randint(0, 256, [height * width * 3], g);
        return new RgbImage(t.ToArray<long>().Select(v => (byte)v).ToArray(), height, width);
    }

    [Test]
    public void ResizeShortSideKeepsTheAspectRatioAsTorchvisionTruncatesIt()
    {
        var wide = ImageTransforms.ResizeShortSide(Noise(427, 640, 0), 256);
        Assert.That((wide.Height, wide.Width), Is.EqualTo((256, 383)));  // 256 * 640 / 427 = 383.7
        var tall = ImageTransforms.ResizeShortSide(Noise(872, 500, 0), 256);
        Assert.That((tall.Height, tall.Width), Is.EqualTo((446, 256)));  // 256 * 872 / 500 = 446.5
        var evaluation = ImageTransforms.Evaluation(Noise(427, 640, 0));
        Assert.That((evaluation.Height, evaluation.Width), Is.EqualTo((224, 224)));
    }

    [Test]
    public void BilinearResizeOfASmallExample()
    {
        // Halving: output pixel i samples at (i + 0.5) * 2 - 0.5 = 0.5 and 2.5, between two
        // source pixels, and rows 0.5: the mean of the four neighbours.
        var image = Red(new[,] { { 0, 100, 200, 255 }, { 20, 20, 20, 20 } });
        var half = ImageTransforms.ResizeShortSide(image, 1);
        Assert.That(RedOf(half), Is.EqualTo(new[,] { { 35, 124 } }));  // (50 + 20) / 2, (227.5 + 20) / 2 = 123.75
        Assert.That(half.Pixels[1..3], Is.EqualTo(new byte[] { 10, 20 }));
        // Doubling: samples at -0.25 (clamped to 0), 0.25, 0.75, 1.25 (clamped to the last pixel).
        var doubled = ImageTransforms.ResizedCrop(Red(new[,] { { 0, 100 } }), new CropBox(0, 0, 1, 2), 1, 4);
        Assert.That(RedOf(doubled), Is.EqualTo(new[,] { { 0, 25, 75, 100 } }));
    }

    [Test]
    public void ResizedCropSeesOnlyTheBox()
    {
        var image = Noise(30, 40, 1);
        var box = new CropBox(5, 7, 12, 20);
        var direct = ImageTransforms.ResizedCrop(image, box, 9, 13);
        var twoSteps = ImageTransforms.ResizedCrop(ImageTransforms.Crop(image, box), new CropBox(0, 0, 12, 20), 9, 13);
        Assert.That(direct.Pixels, Is.EqualTo(twoSteps.Pixels));
        Assert.That(ImageTransforms.ResizedCrop(image, box, 12, 20).Pixels, Is.EqualTo(ImageTransforms.Crop(image, box).Pixels), "same size: the crop itself");
    }

    [Test]
    public void ResizeMatchesTorchInterpolateWithoutAntialias()
    {
        const string Python = "/usr/bin/python3";
        Assert.That(File.Exists(Python), $"{Python} with torch is needed (the test project's build installs python3-torch)");
        using var dir = new TempFolder();
        var image = Noise(37, 53, 2);
        var sizes = new[] { (20, 31), (64, 80), (37, 17) };
        File.WriteAllBytes(dir.File("in.bin"), image.Pixels);
        string script = $"""
            import torch, torch.nn.functional as F
            x = torch.frombuffer(bytearray(open(r'{dir.File("in.bin")}', 'rb').read()), dtype=torch.uint8).view(37, 53, 3).permute(2, 0, 1)[None].float()
            for i, (h, w) in enumerate([{string.Join(", ", sizes.Select(s => $"({s.Item1}, {s.Item2})"))}]):
                y = F.interpolate(x, size=(h, w), mode='bilinear', align_corners=False).round().clamp(0, 255).to(torch.uint8)
                open(r'{dir.File("out")}' + str(i), 'wb').write(y[0].permute(1, 2, 0).contiguous().numpy().tobytes())
            """;
        var info = new ProcessStartInfo(Python) { RedirectStandardError = true, RedirectStandardOutput = true };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(script);
        using var p = Process.Start(info)!;
        string error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.That(error, Does.Not.Contain("No module named 'torch'"), "python3-torch is installed by the test project's build");
        Assert.That(p.ExitCode, Is.Zero, error);
        for (int i = 0; i < sizes.Length; i++)
        {
            var (h, w) = sizes[i];
            byte[] ours = ImageTransforms.ResizedCrop(image, new CropBox(0, 0, 37, 53), h, w).Pixels.ToArray();
            byte[] torchs = File.ReadAllBytes(dir.File($"out{i}"));
            int differ = ours.Zip(torchs).Count(t => t.First != t.Second);
            int worst = ours.Zip(torchs).Max(t => Math.Abs(t.First - t.Second));
            TestContext.Progress.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{h} x {w}: {differ} of {ours.Length} values differ, by at most {worst}"));
            // Float rounding may put a value that is a hair from .5 on the other side.
            Assert.That(worst, Is.LessThanOrEqualTo(1), $"{h} x {w}");
            Assert.That(differ, Is.LessThanOrEqualTo(ours.Length / 200), $"{h} x {w}");
        }
    }

    [Test]
    public void CenterCropRoundsItsOffsetsAsTorchvision()
    {
        var crop = ImageTransforms.CenterCrop(Coordinates(5, 8), 3);  // offsets 1, round(2.5) = 2
        Assert.That((crop.Height, crop.Width), Is.EqualTo((3, 3)));
        Assert.That(crop.Pixels[..3], Is.EqualTo(new byte[] { 1, 2, 7 }));
        var even = ImageTransforms.CenterCrop(Coordinates(6, 8), 3);  // round(1.5) = 2, round(2.5) = 2
        Assert.That(even.Pixels[..3], Is.EqualTo(new byte[] { 2, 2, 7 }));
        Assert.That(ImageTransforms.CenterCrop(Coordinates(4, 4), 2).Pixels[^3..], Is.EqualTo(new byte[] { 2, 2, 7 }));
        Assert.That(() => ImageTransforms.CenterCrop(Coordinates(4, 4), 5), Throws.ArgumentException.With.Message.Contains("resize it first"));
    }

    [Test]
    public void FlippingMirrorsEachRowAndTwiceIsTheIdentity()
    {
        var image = Coordinates(3, 5);
        var flipped = ImageTransforms.FlipHorizontal(image);
        Assert.That(flipped.Pixels[..3], Is.EqualTo(new byte[] { 0, 4, 7 }));
        Assert.That(flipped.Pixels[^3..], Is.EqualTo(new byte[] { 2, 0, 7 }));  // last pixel of the last row
        var noise = Noise(17, 23, 3);
        Assert.That(ImageTransforms.FlipHorizontal(ImageTransforms.FlipHorizontal(noise)).Pixels, Is.EqualTo(noise.Pixels));
    }

    [Test]
    public void RandomCropBoxesFollowRandomResizedCropsLimits()
    {
        using var g = new Generator(4);
        var u = ImageTransforms.DrawUniforms(500, g);
        for (int i = 0; i < 500; i++)
        {
            var box = ImageTransforms.RandomCropBox(375, 500, u.AsSpan(i * ImageTransforms.UniformsPerImage, 40));
            Assert.That(box.Top >= 0 && box.Left >= 0 && box.Top + box.Height <= 375 && box.Left + box.Width <= 500, $"{box}");
            double scale = (double)box.Height * box.Width / (375 * 500), ratio = (double)box.Width / box.Height;
            // Rounding w and h to integers moves area and ratio slightly past the limits.
            Assert.That(scale, Is.InRange(0.075, 1.0), $"{box}");
            Assert.That(ratio, Is.InRange(0.74, 1.35), $"{box}");
        }
    }

    [Test]
    public void RandomCropFallsBackToTheCentreTrimmedToTheRatioLimit()
    {
        // A 10 x 1000 strip: no box of 8% or more of its area with ratio <= 4/3 fits in 10 rows.
        var uniforms = Enumerable.Repeat(0.5, 40).ToArray();
        Assert.That(ImageTransforms.RandomCropBox(10, 1000, uniforms), Is.EqualTo(new CropBox(0, 493, 10, 13)));  // w = round(10 * 4/3)
        Assert.That(ImageTransforms.RandomCropBox(1000, 10, uniforms), Is.EqualTo(new CropBox(493, 0, 13, 10)));  // h = round(10 / (3/4))
        // Uniforms (1, 0.5, 0, 0) ask for the whole area at ratio 1: a 100 x 100 image fits it exactly.
        var whole = Enumerable.Repeat(0.0, 40).ToArray();
        (whole[0], whole[1]) = (1, 0.5);
        Assert.That(ImageTransforms.RandomCropBox(100, 100, whole), Is.EqualTo(new CropBox(0, 0, 100, 100)));
    }

    [Test]
    public void TheTrainingTransformIsFixedByTheSeed()
    {
        var image = Noise(60, 80, 5);
        byte[] Run(ulong seed)
        {
            using var g = new Generator(seed);
            var u = ImageTransforms.DrawUniforms(1, g);
            return ImageTransforms.Training(image, u, size: 32).Pixels.ToArray();
        }
        Assert.That(Run(7), Is.EqualTo(Run(7)));
        Assert.That(Run(7), Is.Not.EqualTo(Run(8)));
        Assert.That(Run(7), Has.Length.EqualTo(32 * 32 * 3));
    }

    [Test]
    public void TheFlipUniformDecidesTheFlip()
    {
        var image = Noise(40, 40, 6);
        var u = Enumerable.Repeat(0.0, ImageTransforms.UniformsPerImage).ToArray();
        (u[0], u[1]) = (1, 0.5);  // the whole image
        u[^1] = 0.9;
        var kept = ImageTransforms.Training(image, u, size: 40);
        u[^1] = 0.1;
        var flipped = ImageTransforms.Training(image, u, size: 40);
        Assert.That(kept.Pixels, Is.EqualTo(image.Pixels));
        Assert.That(flipped.Pixels, Is.EqualTo(ImageTransforms.FlipHorizontal(image).Pixels));
    }

    [Test]
    public void NormalizationGivesImageNetsStandardScores()
    {
        var image = new RgbImage(new byte[] { 255, 0, 128, 10, 20, 30 }, 1, 2);
        using var t = ImageTransforms.ToTensor(image, Normalization.ImageNet);
        Assert.That(t.shape, Is.EqualTo(new long[] { 3, 1, 2 }));
        float[] v = t.ToArray<float>();
        // Channel-planar: R of both pixels, then G, then B.
        double[] expected =
        [
            (1 - 0.485) / 0.229, (10 / 255.0 - 0.485) / 0.229,
            (0 - 0.456) / 0.224, (20 / 255.0 - 0.456) / 0.224,
            (128 / 255.0 - 0.406) / 0.225, (30 / 255.0 - 0.406) / 0.225,
        ];
        Assert.That(v, Is.EqualTo(expected).Within(1e-5));
    }

    [Test]
    public void PlanarBytesPutEachChannelInItsOwnPlane()
    {
        var image = new RgbImage(new byte[] { 1, 2, 3, 4, 5, 6 }, 1, 2);
        var chw = new byte[6];
        ImageTransforms.ToPlanar(image, chw);
        Assert.That(chw, Is.EqualTo(new byte[] { 1, 4, 2, 5, 3, 6 }));
    }
}
