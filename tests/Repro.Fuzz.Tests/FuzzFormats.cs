using System.IO.Compression;
using System.Text;
using Repro.Data;
using Repro.Dynamics;
using Repro.Harness;
using Repro.Torch;
using Repro.Training;

namespace Repro.Fuzz.Tests;

/// <summary>
/// Every reader of bytes that come from outside the program, each with valid files written by our
/// own writers (or, for goldens and records, files this harness produced) to mutate, and the
/// exception the reader promises for anything it cannot read.
/// </summary>
public static class FuzzFormats
{
    public static IEnumerable<FuzzFormat> All =>
        [Cifar10Batch, IdxRaw, FashionMnistGzip, PolarityCsv, ImdbTree, JpegFile, ImageNetTree, GoldenJson, RecordJson, SafetensorsFile, CheckpointFile];

    static FuzzFormat Cifar10Batch => new(
        "CIFAR-10 batch",
        [Bytes(p => Cifar10.WriteFile(p, Images(1, 3, 32, 0))), Bytes(p => Cifar10.WriteFile(p, Images(3, 3, 32, 1)))],
        [],
        File("data_batch_1.bin"),
        path => Cifar10.ReadFile(path, expectedRecords: null),
        typeof(DataFormatException));

    static FuzzFormat IdxRaw => new(
        "IDX",
        [FileTree.Pack([("images", IdxFile(Idx.ImagesMagic, [3, 5, 4], 7)), ("labels", IdxFile(Idx.LabelsMagic, [3], 8, classes: 10))])],
        [],
        Tree,
        folder => Idx.ReadImageSet(Path.Combine(folder, "images"), Path.Combine(folder, "labels"), classes: 10),
        typeof(DataFormatException));

    static FuzzFormat FashionMnistGzip => new(
        "IDX gzip (Fashion-MNIST)",
        [FileTree.Pack(
        [
            ("train-images-idx3-ubyte.gz", Gzip(IdxFile(Idx.ImagesMagic, [4, 6, 6], 1))),
            ("train-labels-idx1-ubyte.gz", Gzip(IdxFile(Idx.LabelsMagic, [4], 2, classes: 10))),
            ("t10k-images-idx3-ubyte.gz", Gzip(IdxFile(Idx.ImagesMagic, [2, 6, 6], 3))),
            ("t10k-labels-idx1-ubyte.gz", Gzip(IdxFile(Idx.LabelsMagic, [2], 4, classes: 10))),
        ])],
        [],
        Tree,
        folder => FashionMnist.Load(folder),
        typeof(DataFormatException));

    static FuzzFormat PolarityCsv => new(
        "polarity CSV",
        [
            Utf8("\uFEFF\"1\",\"a fine , quiet film\"\r\n\"-1\",\"dull \"\"and\"\" long\nover two lines\"\r\n"),
            Utf8("1,plain words\n-1,\"quoted, with a comma\"\n1,\"\"\n-1,caf\u00e9 \u2013 na\u00efve\n"),
        ],
        Tokens("\"", "\"\"", ",", "\n", "\r\n", "\r", "1", "-1", "0", "\uFEFF").Concat(InvalidUtf8).ToList(),
        File(Polarity.ReviewsFile),
        path => Polarity.ReadFile(path),
        typeof(DataFormatException));

    static FuzzFormat ImdbTree => new(
        "IMDB review folders",
        [FileTree.Pack(
        [
            ("aclImdb/train/pos/0_9.txt", Utf8("A fine film.<br /><br />Would watch again.")),
            ("aclImdb/train/pos/1_7.txt", Utf8("Good, na\u00efve fun.")),
            ("aclImdb/train/neg/0_2.txt", Utf8("Dull.")),
            ("aclImdb/train/neg/3_1.txt", Utf8("Terrible \u2013 avoid.")),
            ("aclImdb/test/pos/0_10.txt", Utf8("Loved it.")),
            ("aclImdb/test/neg/0_4.txt", Utf8("Not good.")),
        ])],
        Tokens("/", "_", ".txt", "aclImdb/", "train/", "test/", "pos/", "neg/", "0_", "_10", "_7", "_4", "_5", "\u0001", "\u0000")
            .Concat(InvalidUtf8).ToList(),
        Tree,
        folder => Imdb.Load(folder, reviewsPerFolder: null),
        typeof(DataFormatException));

    static FuzzFormat JpegFile => new(
        "JPEG (TurboJPEG)",
        [Jpeg.Encode(Pixels(16 * 16 * 3, 5), 16, 16), Jpeg.Encode(Pixels(33 * 17 * 3, 6), 33, 17, quality: 50),
         Jpeg.Encode(Pixels(8 * 8 * 4, 7), 8, 8, cmyk: true)],
        [[0xff, 0xd8], [0xff, 0xd9], [0xff, 0xc0], [0xff, 0xc2], [0xff, 0xc4], [0xff, 0xda], [0xff, 0xdb], [0xff, 0xdd],
         [0xff, 0xe0], [0xff, 0xee], [0xff, 0xfe], [0xff, 0x00], [0xff, 0xff], [0x00, 0x00], [0xff, 0xff, 0xff, 0xff]],
        File("image.JPEG"),
        path => Jpeg.Read(path),
        typeof(DataFormatException));

    // The class folders and their JPEGs, read as the ResNet-50 experiment reads them: train/
    // defines the labels, val/ is matched to it by name, and every image is decoded.
    static FuzzFormat ImageNetTree => new(
        "ImageNet class folders",
        [FileTree.Pack(
        [
            ("train/n01440764/n01440764_1.JPEG", Jpeg.Encode(Pixels(8 * 8 * 3, 1), 8, 8)),
            ("train/n01440764/n01440764_2.jpg", Jpeg.Encode(Pixels(9 * 7 * 3, 2), 9, 7)),
            ("train/n01443537/n01443537_1.JPEG", Jpeg.Encode(Pixels(8 * 8 * 3, 3), 8, 8)),
            ("val/n01440764/ILSVRC2012_val_1.JPEG", Jpeg.Encode(Pixels(8 * 8 * 3, 4), 8, 8)),
            ("val/n01443537/ILSVRC2012_val_2.jpeg", Jpeg.Encode(Pixels(8 * 8 * 3, 5), 8, 8)),
        ])],
        Tokens("/", "train/", "val/", "n01440764/", "n01443537/", "n09999999/", ".JPEG", ".jpg", ".txt", "\u0000"),
        Tree,
        folder =>
        {
            var train = new ImageFolder(folder, "train");
            var val = new ImageFolder(folder, "val", labelsFrom: train);
            foreach (string file in train.Files.Concat(val.Files)) Jpeg.Read(file);
        },
        typeof(DataFormatException));

    static FuzzFormat GoldenJson => new(
        "golden snapshot JSON",
        [.. new[]
        {
            "logreg-synthetic/smoke/beta=1_etat=0.1_z0=1_seed=0.verified.json",
            "wrn-cifar10/smoke/summary.verified.json",
            "theory-checks/smoke/beta=0.1_etat=0.05_z0=init_seed=0.verified.json",
        }.Select(f => System.IO.File.ReadAllBytes(Path.Combine(ReproPaths.Golden, f)))],
        JsonTokens("\"value\"", "\"rtol\"", "\"atol\"", "\"quantities\"", "\"config\"", "\"claims\"", "\"tier\"", "\"experiment\"", "\"cell\"", "\"configHash\""),
        File("cell.verified.json"),
        path => GoldenFile.Read(path),
        typeof(FormatException));

    static FuzzFormat RecordJson => new(
        "run record JSON",
        [.. new[] { "wrn-cifar10-smoke-record.json", "logreg-synthetic-smoke-record.json" }
            .Select(f => System.IO.File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Seeds", f)))],
        JsonTokens("\"schema\"", "\"tier\"", "\"cell\"", "\"config\"", "\"status\"", "\"curves\"", "\"steps\"", "\"values\"",
            "\"scalars\"", "\"beta\"", "\"etaTilde\"", "\"seed\"", "\"learningRateGivenAs\"", "\"complete\"", "\"diverged\"", "\"environment\""),
        File("cell.json"),
        path => RunRecord.Parse(System.IO.File.ReadAllText(path), path),
        typeof(FormatException));

    static FuzzFormat SafetensorsFile => new(
        "safetensors",
        [
            Bytes(p => SaveTensors(p, ("weight", torch.tensor(new float[] { 1, 2, 3, 4, 5, 6 }, [2, 3])), ("steps", torch.tensor(new long[] { 7, 8 }, [2])))),
            Bytes(p => SaveTensors(p, ("scalar", torch.tensor(new double[] { 0.5 }, [])), ("empty", torch.tensor(Array.Empty<float>(), [0, 4])))),
        ],
        JsonTokens("\"dtype\"", "\"shape\"", "\"data_offsets\"", "\"__metadata__\"", "\"F32\"", "\"F64\"", "\"I64\"", "\"BOOL\"", "\"U8\""),
        File("model.safetensors"),
        path =>
        {
            foreach (var t in Safetensors.Load(path).Values) t.Dispose();
        },
        typeof(InvalidDataException));

    static FuzzFormat CheckpointFile => new(
        "trainer checkpoint",
        [Bytes(WriteCheckpoint)],
        JsonTokens("\"trainer\"", "\"format\"", "\"curves\"", "\"means\"", "\"step\"", "model.", "optimizer.", "generator.", "probe.Z0", "probe.ntk0"),
        File("checkpoint.safetensors"),
        path =>
        {
            var (tensors, _) = Checkpoint.Read(path);
            tensors.Dispose();
        },
        typeof(InvalidDataException));

    // --- writing inputs ---

    static Func<byte[], string, string> File(string name) => (bytes, folder) =>
    {
        string path = Path.Combine(folder, name);
        System.IO.File.WriteAllBytes(path, bytes);
        return path;
    };

    static string Tree(byte[] bytes, string folder)
    {
        FileTree.Unpack(bytes, folder);
        return folder;
    }

    // --- seeds ---

    static byte[] Bytes(Action<string> write)
    {
        string path = Path.Combine(Path.GetTempPath(), $"repro-fuzz-seed-{Guid.NewGuid():N}");
        try
        {
            write(path);
            return System.IO.File.ReadAllBytes(path);
        }
        finally { System.IO.File.Delete(path); }
    }

    static byte[] Pixels(int count, int seed)
    {
        var bytes = new byte[count];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    static ImageSet Images(int count, int channels, int size, int seed) =>
        new(Pixels(count * channels * size * size, seed), Enumerable.Range(0, count).Select(i => (i + seed) % 10).ToArray(),
            channels, size, size, classes: 10, "seed");

    static byte[] IdxFile(int magic, int[] dims, int seed, int classes = 256)
    {
        var bytes = new List<byte>();
        void Int(int v) => bytes.AddRange([(byte)(v >> 24), (byte)(v >> 16), (byte)(v >> 8), (byte)v]);
        Int(magic);
        foreach (int d in dims) Int(d);
        var random = new Random(seed);
        bytes.AddRange(Enumerable.Range(0, dims.Aggregate(1, (a, d) => a * d)).Select(_ => (byte)random.Next(classes)));
        return bytes.ToArray();
    }

    static byte[] Gzip(byte[] bytes)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal)) gzip.Write(bytes);
        return buffer.ToArray();
    }

    static void SaveTensors(string path, params (string name, Tensor tensor)[] tensors)
    {
        try { Safetensors.Save(path, tensors.Select(t => new KeyValuePair<string, Tensor>(t.name, t.tensor))); }
        finally { foreach (var (_, t) in tensors) t.Dispose(); }
    }

    static void WriteCheckpoint(string path)
    {
        var curve = new Curve();
        curve.Add(0, 2.3);
        curve.Add(5, double.NaN);
        var state = new CheckpointState(CheckpointState.CurrentFormat, "0123abcd", 5,
            new() { ["loss"] = curve }, new() { ["loss0"] = 2.3 }, new() { ["t_nl"] = "censored" },
            new TrainingMeans { LossSum = 4.6, Steps = 2, Correct = 3, Examples = 8 });
        using var tensors = new CheckpointTensors(
            new Dictionary<string, Tensor> { ["fc.weight"] = torch.tensor(new float[] { 1, 2, 3, 4 }, [2, 2]) },
            new Dictionary<string, Tensor> { ["0.momentum_buffer"] = torch.tensor(new float[] { 0, 0, 0, 0 }, [2, 2]) },
            [torch.tensor(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 }, [8])],
            torch.tensor(new float[] { 0.1f, -0.1f }, [1, 2]),
            Ntk0: null);
        Checkpoint.Write(path, tensors, state);
    }

    static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    static List<byte[]> Tokens(params string[] tokens) => tokens.Select(Utf8).ToList();

    static List<byte[]> JsonTokens(params string[] keys) =>
        Tokens(["{", "}", "[", "]", "\"", ":", ",", "\\", "\\u0000", "\\ud800", "null", "true", "false", "\"NaN\"", "\"Infinity\"",
            "1e999", "-1", "0", "-0", "0.5", "2147483648", "9223372036854775808", "1e-400", "[]", "{}", "\"\"", .. keys]);

    // A lone continuation byte, a cut two-byte sequence, an encoded surrogate, a code point past U+10FFFF.
    static readonly byte[][] InvalidUtf8 = [[0x80], [0xc3], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80]];
}
