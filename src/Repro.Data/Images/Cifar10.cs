namespace Repro.Data;

/// <summary>
/// CIFAR-10, binary version (DATA.md): `cifar-10-batches-bin/data_batch_{1..5}.bin` and
/// `test_batch.bin`, each a run of 3,073-byte records: 1 label byte (0-9), then 1024 R, 1024 G and
/// 1024 B bytes of a row-major 32x32 image; 10,000 records per file.
/// </summary>
public static class Cifar10
{
    public const int Channels = 3, Size = 32, Classes = 10;
    public const int RecordBytes = 1 + Channels * Size * Size;
    public const int RecordsPerFile = 10_000;
    public const string Folder = "cifar-10-batches-bin";

    public static readonly string[] ClassNames =
        ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"];

    /// <summary>Reads the five training files and the test file from <paramref name="root"/>
    /// (the folder holding cifar-10-batches-bin, or that folder itself). Each file must hold
    /// exactly <paramref name="recordsPerFile"/> records (tests use smaller files).</summary>
    public static (ImageSet train, ImageSet test) Load(string root, int recordsPerFile = RecordsPerFile)
    {
        string folder = Path.GetFileName(Path.TrimEndingDirectorySeparator(root)) == Folder ? root : Path.Combine(root, Folder);
        if (!Directory.Exists(folder))
            throw new DataFormatException(folder,
                $"not found: CIFAR-10 is read from {Folder}/data_batch_1.bin ... data_batch_5.bin and test_batch.bin " +
                $"(the binary version, cifar-10-binary.tar.gz) under the data folder (REPRO_DATA or --data)");
        var train = Enumerable.Range(1, 5).Select(i => ReadFile(Path.Combine(folder, $"data_batch_{i}.bin"), recordsPerFile)).ToList();
        var test = ReadFile(Path.Combine(folder, "test_batch.bin"), recordsPerFile);
        return (Concat(train, $"{folder} (train)"), test);
    }

    /// <summary>One batch file; <paramref name="expectedRecords"/> null accepts any whole number of records.</summary>
    public static ImageSet ReadFile(string path, int? expectedRecords = RecordsPerFile)
    {
        if (!File.Exists(path)) throw new DataFormatException(path, "file not found (CIFAR-10 binary batch file)");
        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length == 0 || bytes.Length % RecordBytes != 0)
            throw new DataFormatException(path,
                $"{bytes.Length:N0} bytes is not a whole number of {RecordBytes}-byte records " +
                $"({bytes.Length / RecordBytes} records and {bytes.Length % RecordBytes} bytes left over): truncated or not a CIFAR-10 binary file");
        int count = bytes.Length / RecordBytes;
        if (expectedRecords is { } expected && count != expected)
            throw new DataFormatException(path, $"{count:N0} records, expected {expected:N0} ({(long)expected * RecordBytes:N0} bytes)");

        int imageBytes = RecordBytes - 1;
        var labels = new int[count];
        var pixels = new byte[(long)count * imageBytes];
        for (int i = 0; i < count; i++)
        {
            byte label = bytes[i * RecordBytes];
            if (label >= Classes) throw new DataFormatException(path, $"record {i} (byte offset {(long)i * RecordBytes}) has label {label}; labels are 0-9");
            labels[i] = label;
            Buffer.BlockCopy(bytes, i * RecordBytes + 1, pixels, i * imageBytes, imageBytes);
        }
        return new ImageSet(pixels, labels, Channels, Size, Size, Classes, path);
    }

    /// <summary>Writes images in the binary format (for tests and synthetic data sets).</summary>
    public static void WriteFile(string path, ImageSet images)
    {
        if (images.Channels != Channels || images.Height != Size || images.Width != Size)
            throw new ArgumentException($"CIFAR-10 records are 3x32x32; {images.Source} has {images.Channels}x{images.Height}x{images.Width}");
        using var stream = File.Create(path);
        for (int i = 0; i < images.Count; i++)
        {
            stream.WriteByte((byte)images.Labels[i]);
            stream.Write(images.Image(i));
        }
    }

    static ImageSet Concat(IReadOnlyList<ImageSet> parts, string source) => new(
        parts.SelectMany(p => p.Pixels).ToArray(), parts.SelectMany(p => p.Labels).ToArray(),
        Channels, Size, Size, Classes, source);
}
