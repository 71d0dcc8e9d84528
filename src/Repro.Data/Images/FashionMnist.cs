namespace Repro.Data;

/// <summary>Fashion-MNIST (Debian's dataset-fashion-mnist): 60,000 training and 10,000 test
/// images, 28x28 grey, 10 classes, as gzip IDX files.</summary>
public static class FashionMnist
{
    public const int Classes = 10;

    public static readonly string[] ClassNames =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>Reads both splits from <paramref name="folder"/> (default: the package's folder,
    /// installed on first use).</summary>
    public static (ImageSet train, ImageSet test) Load(string? folder = null, Action<string>? log = null)
    {
        folder ??= PackageData.FashionMnist(log ?? Console.Error.WriteLine);
        return (Split(folder, "train"), Split(folder, "t10k"));
    }

    static ImageSet Split(string folder, string prefix) => Idx.ReadImageSet(
        Path.Combine(folder, $"{prefix}-images-idx3-ubyte.gz"), Path.Combine(folder, $"{prefix}-labels-idx1-ubyte.gz"), Classes);
}
