using Repro.Torch;
using static Repro.Torch.torch;

namespace Repro.Data;

/// <summary>
/// Class-conditioned images with CIFAR-10's shape for the smoke tier: each class has a template
/// of coarse 8x8-pixel colour blocks, and each image is its class's template plus pixel noise.
/// Learnable in a few dozen steps, deterministic by seed, no files.
/// </summary>
public static class SyntheticImages
{
    public static ImageSet Generate(int count, ulong seed, int classes = 10, int channels = 3, int size = 32)
    {
        if (count <= 0) throw new ArgumentOutOfRangeException(nameof(count), count, "must be > 0");
        using var g = new Generator(seed);
        using var scope = NewDisposeScope();
        const int block = 8;
        // Templates: K x C x (size/8) x (size/8) blocks, upsampled by repetition.
        float[] templates = (randn([classes, channels, size / block, size / block], g) * 50 + 128).ToArray<float>();
        long[] labels = randint(0, classes, [count], g).ToArray<long>();
        float[] noise = (randn([count, channels, size, size], g) * 30).ToArray<float>();

        int plane = size * size, image = channels * plane, blocks = size / block;
        var pixels = new byte[(long)count * image];
        for (int i = 0; i < count; i++)
            for (int c = 0; c < channels; c++)
                for (int y = 0; y < size; y++)
                    for (int x = 0; x < size; x++)
                    {
                        float t = templates[((labels[i] * channels + c) * blocks + y / block) * blocks + x / block];
                        int at = i * image + c * plane + y * size + x;
                        pixels[at] = (byte)Math.Clamp(MathF.Round(t + noise[at]), 0, 255);
                    }
        return new ImageSet(pixels, labels.Select(l => (int)l).ToArray(), channels, size, size, classes, $"synthetic images (seed {seed})");
    }
}
