using Repro.Data;

namespace Repro.Experiments;

/// <summary>
/// An ImageNet-style folder (train/&lt;class&gt;/*.JPEG, val/&lt;class&gt;/*.JPEG) made of skimage's
/// sample photographs (Debian python3-skimage, PackageData.JpegSamples), one class per photograph:
/// enough to run the ImageNet path end to end on a CPU. train/ holds <see cref="Copies"/> copies
/// of each photograph (random resized crops make them different examples): 8 to train on and one
/// more, on average, for the validation split held out of it; val/ (the test split) holds one.
/// truncated.jpg, a deliberately broken file, is left out. Built once in the package cache (<see cref="CacheFolder"/>).
/// </summary>
static class JpegSampleFolder
{
    public const int Copies = 9;
    static readonly string[] Photographs = ["hubble_deep_field", "retina", "rocket"];

    public static string Ensure()
    {
        string samples = PackageData.JpegSamples(Console.Error.WriteLine);
        // Named by its copy count, so that a folder built with another count is never reused.
        return CacheFolder.Ensure(Path.Combine(PackageData.Cache, $"jpeg-samples-imagefolder-{Copies}x"), building =>
        {
            foreach (string name in Photographs)
            {
                string source = Path.Combine(samples, name + ".jpg");
                if (!File.Exists(source)) throw new DataFormatException(source, "not found among skimage's sample images (python3-skimage)");
                string train = Directory.CreateDirectory(Path.Combine(building, "train", name)).FullName;
                for (int i = 0; i < Copies; i++) File.Copy(source, Path.Combine(train, $"{name}_{i}.JPEG"));
                File.Copy(source, Path.Combine(Directory.CreateDirectory(Path.Combine(building, "val", name)).FullName, $"{name}.JPEG"));
            }
        });
    }
}
