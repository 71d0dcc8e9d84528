using Repro.Torch;
using static Repro.Torch.torch;

namespace Repro.Data;

/// <summary>An RGB image as decoded: Height x Width x 3 bytes, interleaved, row-major. The bytes
/// may be the start of a longer buffer that a decoding loop reuses (Jpeg.Decode with a buffer).</summary>
public sealed class RgbImage
{
    public ArraySegment<byte> Pixels { get; }
    public int Height { get; }
    public int Width { get; }

    public RgbImage(ArraySegment<byte> pixels, int height, int width)
    {
        if (height <= 0 || width <= 0 || pixels.Count != (long)height * width * 3)
            throw new ArgumentException($"{pixels.Count} bytes for an RGB image of {height} x {width}");
        (Pixels, Height, Width) = (pixels, height, width);
    }
}

/// <summary>A rectangle of an image, in pixels.</summary>
public readonly record struct CropBox(int Top, int Left, int Height, int Width);

/// <summary>
/// ImageNet's per-image transforms, as torchvision defines them, on RGB bytes:
/// evaluation = Resize(256) + CenterCrop(224); training = RandomResizedCrop(224) +
/// RandomHorizontalFlip(); then ToTensor + Normalize (<see cref="Normalization.ImageNet"/>).
/// Resizing is bilinear with half-pixel centres and no antialiasing: torchvision's tensor path with
/// antialias=False (uint8 in, rounded to uint8 out). PIL, and antialias=True, average over the
/// whole footprint when shrinking, so large reductions differ from theirs (they alias less).
/// </summary>
public static class ImageTransforms
{
    /// <summary>RandomResizedCrop's defaults: the crop's share of the image area, and its aspect ratio (w/h).</summary>
    public const double MinScale = 0.08, MaxScale = 1, MinRatio = 3.0 / 4, MaxRatio = 4.0 / 3;
    const int Attempts = 10;

    /// <summary>Uniforms one training transform consumes: 4 per crop attempt (area, log ratio,
    /// top, left) and 1 for the flip. A fixed count, drawn before decoding (when sizes are not yet
    /// known), keeps the generator's sequence independent of the images and of the thread count.</summary>
    public const int UniformsPerImage = 4 * Attempts + 1;

    /// <summary>Draws <see cref="UniformsPerImage"/> uniforms in [0, 1) per image, image after image.</summary>
    public static double[] DrawUniforms(int images, Generator generator)
    {
        using var u = rand([images, UniformsPerImage], generator, float64);
        return u.ToArray<double>();
    }

    /// <summary>torchvision's evaluation transform: short side to <paramref name="resize"/>, then
    /// the central <paramref name="crop"/> x <paramref name="crop"/>.</summary>
    public static RgbImage Evaluation(RgbImage image, int resize = 256, int crop = 224) =>
        CenterCrop(ResizeShortSide(image, resize), crop);

    /// <summary>torchvision's training transform: a random resized crop to
    /// <paramref name="size"/> x <paramref name="size"/>, flipped with probability 1/2.</summary>
    public static RgbImage Training(RgbImage image, ReadOnlySpan<double> uniforms, int size = 224)
    {
        if (uniforms.Length != UniformsPerImage) throw new ArgumentException($"{uniforms.Length} uniforms, a training transform takes {UniformsPerImage}");
        var box = RandomCropBox(image.Height, image.Width, uniforms[..^1]);
        var crop = ResizedCrop(image, box, size, size);
        return uniforms[^1] < 0.5 ? FlipHorizontal(crop) : crop;
    }

    /// <summary>Scales the image so that its shorter side is <paramref name="size"/>; the longer
    /// side becomes floor(size * long / short), as torchvision's Resize(int) does.</summary>
    public static RgbImage ResizeShortSide(RgbImage image, int size)
    {
        if (size <= 0) throw new ArgumentOutOfRangeException(nameof(size), size, "must be > 0");
        (int h, int w) = image.Height <= image.Width
            ? (size, (int)((long)size * image.Width / image.Height))
            : ((int)((long)size * image.Height / image.Width), size);
        return ResizedCrop(image, new CropBox(0, 0, image.Height, image.Width), h, w);
    }

    /// <summary>The central <paramref name="size"/> x <paramref name="size"/> pixels; offsets are
    /// rounded as torchvision's CenterCrop rounds them (half to even).</summary>
    public static RgbImage CenterCrop(RgbImage image, int size)
    {
        if (size > image.Height || size > image.Width)
            throw new ArgumentException($"center crop of {size} x {size} from an image of {image.Height} x {image.Width}: resize it first");
        int top = (int)Math.Round((image.Height - size) / 2.0), left = (int)Math.Round((image.Width - size) / 2.0);
        return Crop(image, new CropBox(top, left, size, size));
    }

    public static RgbImage Crop(RgbImage image, CropBox box)
    {
        CheckInside(image, box);
        var pixels = new byte[box.Height * box.Width * 3];
        for (int y = 0; y < box.Height; y++)
            image.Pixels.AsSpan(((box.Top + y) * image.Width + box.Left) * 3, box.Width * 3).CopyTo(pixels.AsSpan(y * box.Width * 3));
        return new RgbImage(pixels, box.Height, box.Width);
    }

    /// <summary>Mirrors the image left to right.</summary>
    public static RgbImage FlipHorizontal(RgbImage image)
    {
        var pixels = new byte[image.Pixels.Count];
        int w = image.Width;
        for (int y = 0; y < image.Height; y++)
        {
            var src = image.Pixels.AsSpan(y * w * 3, w * 3);
            var dst = pixels.AsSpan(y * w * 3, w * 3);
            for (int x = 0; x < w; x++) src.Slice(x * 3, 3).CopyTo(dst.Slice((w - 1 - x) * 3, 3));
        }
        return new RgbImage(pixels, image.Height, w);
    }

    /// <summary>
    /// torchvision's RandomResizedCrop.get_params on an image of <paramref name="height"/> x
    /// <paramref name="width"/>, with its uniforms given: up to 10 attempts at a box of area
    /// scale x image area (scale uniform in [0.08, 1]) and aspect ratio w/h log-uniform in
    /// [3/4, 4/3], rounded, at a uniform position; the first that fits wins. If none fits, the
    /// whole image trimmed to the nearest allowed ratio, centred.
    /// </summary>
    public static CropBox RandomCropBox(int height, int width, ReadOnlySpan<double> uniforms)
    {
        if (uniforms.Length != 4 * Attempts) throw new ArgumentException($"{uniforms.Length} uniforms, a crop takes {4 * Attempts}");
        double area = (double)height * width, logMin = Math.Log(MinRatio), logMax = Math.Log(MaxRatio);
        for (int attempt = 0; attempt < Attempts; attempt++)
        {
            var u = uniforms.Slice(4 * attempt, 4);
            double target = area * (MinScale + (MaxScale - MinScale) * u[0]);
            double ratio = Math.Exp(logMin + (logMax - logMin) * u[1]);
            int w = (int)Math.Round(Math.Sqrt(target * ratio)), h = (int)Math.Round(Math.Sqrt(target / ratio));
            if (0 < w && w <= width && 0 < h && h <= height)
                return new CropBox((int)(u[2] * (height - h + 1)), (int)(u[3] * (width - w + 1)), h, w);
        }
        double inRatio = (double)width / height;
        (int fh, int fw) = inRatio < MinRatio ? ((int)Math.Round(width / MinRatio), width)
            : inRatio > MaxRatio ? (height, (int)Math.Round(height * MaxRatio))
            : (height, width);
        return new CropBox((height - fh) / 2, (width - fw) / 2, fh, fw);
    }

    /// <summary>Crops <paramref name="box"/> and resizes it to <paramref name="height"/> x
    /// <paramref name="width"/> in one pass, bilinear with half-pixel centres (align_corners=False):
    /// output pixel i samples the box at (i + 0.5) * in/out - 0.5, clamped to the box's edges, so
    /// pixels outside the box never contribute (exactly a crop followed by a resize).</summary>
    public static RgbImage ResizedCrop(RgbImage image, CropBox box, int height, int width)
    {
        CheckInside(image, box);
        if (height <= 0 || width <= 0) throw new ArgumentException($"resize to {height} x {width}");
        var (x0, x1, wx) = Taps(box.Left, box.Width, width);
        var (y0, y1, wy) = Taps(box.Top, box.Height, height);
        ReadOnlySpan<byte> src = image.Pixels;
        var dst = new byte[height * width * 3];
        int stride = image.Width * 3;
        for (int y = 0; y < height; y++)
        {
            int top = y0[y] * stride, bottom = y1[y] * stride;
            float b = wy[y], a = 1 - b;
            for (int x = 0; x < width; x++)
            {
                int l = x0[x] * 3, r = x1[x] * 3, o = (y * width + x) * 3;
                float q = wx[x], p = 1 - q;
                for (int c = 0; c < 3; c++)
                {
                    float v = a * (p * src[top + l + c] + q * src[top + r + c]) + b * (p * src[bottom + l + c] + q * src[bottom + r + c]);
                    dst[o + c] = (byte)Math.Clamp(MathF.Round(v), 0, 255);
                }
            }
        }
        return new RgbImage(dst, height, width);
    }

    /// <summary>For each of <paramref name="outputs"/> positions along one axis: the two source
    /// indices (absolute) and the weight of the second, sampling [start, start + length).</summary>
    static (int[] first, int[] second, float[] weight) Taps(int start, int length, int outputs)
    {
        var (first, second, weight) = (new int[outputs], new int[outputs], new float[outputs]);
        float scale = (float)length / outputs;  // libtorch computes the scale and coordinates in float
        for (int i = 0; i < outputs; i++)
        {
            float s = Math.Max((i + 0.5f) * scale - 0.5f, 0);
            int i0 = Math.Min((int)s, length - 1);
            first[i] = start + i0;
            second[i] = start + Math.Min(i0 + 1, length - 1);
            weight[i] = s - i0;
        }
        return (first, second, weight);
    }

    static void CheckInside(RgbImage image, CropBox box)
    {
        if (box.Top < 0 || box.Left < 0 || box.Height <= 0 || box.Width <= 0 || box.Top + box.Height > image.Height || box.Left + box.Width > image.Width)
            throw new ArgumentException($"crop {box} is not inside the image of {image.Height} x {image.Width}");
    }

    /// <summary>ToTensor + Normalize into <paramref name="chw"/>: channel-planar floats
    /// (byte / 255 - mean[c]) / std[c], the layout a [3, H, W] tensor has.</summary>
    public static void Normalize(RgbImage image, Span<float> chw, Normalization normalization)
    {
        normalization.Check(3, "an RGB image");
        int plane = image.Height * image.Width;
        if (chw.Length != 3 * plane) throw new ArgumentException($"{chw.Length} floats for a 3 x {image.Height} x {image.Width} image");
        ReadOnlySpan<byte> src = image.Pixels;
        for (int c = 0; c < 3; c++)
        {
            var table = normalization.Table(c);
            var dst = chw.Slice(c * plane, plane);
            for (int i = 0; i < plane; i++) dst[i] = table[src[3 * i + c]];
        }
    }

    /// <summary>The image as a normalized float32 tensor [3, H, W].</summary>
    public static Tensor ToTensor(RgbImage image, Normalization normalization)
    {
        var chw = new float[3 * image.Height * image.Width];
        Normalize(image, chw, normalization);
        return tensor(chw, [3, image.Height, image.Width]);
    }

    /// <summary>The image's bytes channel-planar (C x H x W), the layout of <see cref="ImageSet"/>.</summary>
    public static void ToPlanar(RgbImage image, Span<byte> chw)
    {
        int plane = image.Height * image.Width;
        if (chw.Length != 3 * plane) throw new ArgumentException($"{chw.Length} bytes for a 3 x {image.Height} x {image.Width} image");
        ReadOnlySpan<byte> src = image.Pixels;
        for (int i = 0; i < plane; i++)
            for (int c = 0; c < 3; c++)
                chw[c * plane + i] = src[3 * i + c];
    }
}
