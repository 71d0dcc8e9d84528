namespace Repro.Data.Tests.Sets;

public class Cifar10Tests
{
    static ImageSet Images(int count, int seed) => SyntheticImages.Generate(count, (ulong)seed);

    static string WriteLayout(TempFolder dir, int records)
    {
        string folder = Path.Combine(dir.Path, Cifar10.Folder);
        Directory.CreateDirectory(folder);
        for (int i = 1; i <= 5; i++) Cifar10.WriteFile(Path.Combine(folder, $"data_batch_{i}.bin"), Images(records, i));
        Cifar10.WriteFile(Path.Combine(folder, "test_batch.bin"), Images(records, 99));
        return folder;
    }

    [Test]
    public void ReadsTheBinaryLayoutBackExactly()
    {
        using var dir = new TempFolder();
        WriteLayout(dir, records: 20);
        var (train, test) = Cifar10.Load(dir.Path, recordsPerFile: 20);
        Assert.That(train.Count, Is.EqualTo(100));
        Assert.That(test.Count, Is.EqualTo(20));
        Assert.That((train.Channels, train.Height, train.Width, train.Classes), Is.EqualTo((3, 32, 32, 10)));
        var third = Images(20, 3);
        Assert.That(train.Labels[40..60], Is.EqualTo(third.Labels));
        Assert.That(train.Pixels[(40 * 3072)..(60 * 3072)], Is.EqualTo(third.Pixels));
    }

    [Test]
    public void RecordLayoutIsLabelThenRedGreenBluePlanes()
    {
        using var dir = new TempFolder();
        var bytes = new byte[Cifar10.RecordBytes];
        bytes[0] = 7;
        bytes[1] = 11;                // R(0, 0)
        bytes[1 + 1024 + 33] = 22;    // G(1, 1)
        bytes[1 + 2048 + 1023] = 33;  // B(31, 31)
        File.WriteAllBytes(dir.File("one.bin"), bytes);
        var set = Cifar10.ReadFile(dir.File("one.bin"), expectedRecords: null);
        Assert.That(set.Labels, Is.EqualTo(new[] { 7 }));
        Assert.That((set.Pixels[0], set.Pixels[1024 + 32 + 1], set.Pixels[2 * 1024 + 31 * 32 + 31]), Is.EqualTo(((byte)11, (byte)22, (byte)33)));
    }

    [Test]
    public void ATruncatedFileNamesTheFileAndTheLeftoverBytes()
    {
        using var dir = new TempFolder();
        Cifar10.WriteFile(dir.File("b.bin"), Images(3, 0));
        File.WriteAllBytes(dir.File("b.bin"), File.ReadAllBytes(dir.File("b.bin"))[..^100]);
        var e = Assert.Throws<DataFormatException>(() => Cifar10.ReadFile(dir.File("b.bin"), expectedRecords: null));
        Assert.That(e!.Message, Does.StartWith(dir.File("b.bin")).And.Contains("2973 bytes left over").And.Contains("truncated"));
    }

    [Test]
    public void AWrongRecordCountIsAnError()
    {
        using var dir = new TempFolder();
        Cifar10.WriteFile(dir.File("b.bin"), Images(3, 0));
        Assert.That(() => Cifar10.ReadFile(dir.File("b.bin")),
            Throws.InstanceOf<DataFormatException>().With.Message.Contains("3 records, expected 10,000"));
    }

    [Test]
    public void ALabelOf11IsAnErrorNamingTheRecord()
    {
        using var dir = new TempFolder();
        Cifar10.WriteFile(dir.File("b.bin"), Images(3, 0));
        var bytes = File.ReadAllBytes(dir.File("b.bin"));
        bytes[2 * Cifar10.RecordBytes] = 11;
        File.WriteAllBytes(dir.File("b.bin"), bytes);
        Assert.That(() => Cifar10.ReadFile(dir.File("b.bin"), expectedRecords: null),
            Throws.InstanceOf<DataFormatException>().With.Message.Contains("record 2").And.Message.Contains("label 11"));
    }

    [Test]
    public void AMissingFolderSaysWhichLayoutIsExpected()
    {
        using var dir = new TempFolder();
        Assert.That(() => Cifar10.Load(dir.Path),
            Throws.InstanceOf<DataFormatException>().With.Message.Contains("data_batch_1.bin").And.Message.Contains("REPRO_DATA"));
        WriteLayout(dir, records: 2);
        File.Delete(Path.Combine(dir.Path, Cifar10.Folder, "data_batch_4.bin"));
        Assert.That(() => Cifar10.Load(dir.Path, recordsPerFile: 2),
            Throws.InstanceOf<DataFormatException>().With.Message.Contains("data_batch_4.bin").And.Message.Contains("not found"));
    }
}

[NonParallelizable]  // sets REPRO_DATA
public class DataFolderTests
{
    [Test]
    public void AMissingDataFolderSaysWhatIsExpectedWhere()
    {
        string? saved = Environment.GetEnvironmentVariable(DataFolder.Variable);
        try
        {
            Environment.SetEnvironmentVariable(DataFolder.Variable, null);
            Assert.That(() => DataFolder.Resolve(null, "CIFAR-10", "cifar-10-batches-bin/*.bin"),
                Throws.InstanceOf<DataFormatException>().With.Message.Contains("REPRO_DATA").And.Message.Contains("cifar-10-batches-bin"));
            Environment.SetEnvironmentVariable(DataFolder.Variable, "/nonexistent/repro-data");
            Assert.That(() => DataFolder.Resolve(null, "IMDB", "aclImdb/"),
                Throws.InstanceOf<DataFormatException>().With.Message.StartsWith("/nonexistent/repro-data: the data folder does not exist"));
            using var dir = new TempFolder();
            Assert.That(DataFolder.Resolve(dir.Path, "IMDB", "aclImdb/"), Is.EqualTo(dir.Path), "--data wins over REPRO_DATA");
        }
        finally
        {
            Environment.SetEnvironmentVariable(DataFolder.Variable, saved);
        }
    }
}
