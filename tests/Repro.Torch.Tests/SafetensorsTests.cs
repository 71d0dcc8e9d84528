using System.Text;
using static Repro.Torch.torch;

namespace Repro.Torch.Tests;

public class SafetensorsTests
{
    string dir = "";

    [SetUp]
    public void MakeDirectory() => dir = Directory.CreateTempSubdirectory("repro-safetensors-").FullName;

    [TearDown]
    public void RemoveDirectory() => Directory.Delete(dir, recursive: true);

    [Test]
    public void RoundTripsEveryDtypeShapeAndMetadata()
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(1);
        var tensors = new Dictionary<string, Tensor>
        {
            ["f32"] = randn([3, 4], g),
            ["f64"] = randn([2, 2, 2], g, float64),
            ["i64"] = tensor(new long[] { long.MinValue, 0, long.MaxValue }),
            ["b"] = tensor(new[] { true, false }),
            ["u8"] = tensor(new byte[] { 0, 255 }),
            ["scalar"] = scalar_tensor(3.25, float64),
            ["empty"] = zeros([0, 5]),
        };
        string path = Path.Combine(dir, "all.safetensors");
        Safetensors.Save(path, tensors, new Dictionary<string, string> { ["note"] = "hello" });
        var loaded = Safetensors.Load(path, out var metadata);
        Assert.That(metadata, Is.EqualTo(new Dictionary<string, string> { ["note"] = "hello" }));
        Assert.That(loaded.Keys, Is.EqualTo(tensors.Keys));
        foreach (var (name, t) in tensors)
        {
            Assert.That(loaded[name].dtype, Is.EqualTo(t.dtype), name);
            Assert.That(loaded[name].shape, Is.EqualTo(t.shape), name);
            Assert.That(loaded[name].ToBytes(), Is.EqualTo(t.ToBytes()), name);
        }
        // Layout of the spec: 8-byte length, JSON header padded to 8 bytes, then the data.
        byte[] file = File.ReadAllBytes(path);
        long headerLength = BitConverter.ToInt64(file, 0);
        Assert.That(headerLength % 8, Is.EqualTo(0));
        Assert.That(file.Length, Is.EqualTo(8 + headerLength + tensors.Values.Sum(t => t.numel() * t.dtype.ElementSize())));
    }

    [Test]
    public void ModuleSaveAndLoadGiveTheSameOutputs()
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(2);
        using var a = new SmallCnn(g);
        using var b = new SmallCnn(g);
        a.forward(randn([4, 1, 8, 8], g)); // moves the running statistics away from their initial values
        string path = Path.Combine(dir, "cnn.safetensors");
        a.save(path);
        b.load(path);
        a.eval();
        b.eval();
        Tensor x = randn([2, 1, 8, 8], g);
        Assert.That(b.forward(x).ToArray<float>(), Is.EqualTo(a.forward(x).ToArray<float>()));
        Assert.That(b.state_dict()["bn1.num_batches_tracked"].item(), Is.EqualTo(1));
    }

    [Test]
    public void RoundTripsWithPyTorch()
    {
        using var scope = NewDisposeScope();
        using var g7 = new Generator(7);
        var tensors = new Dictionary<string, Tensor>
        {
            ["arange_f64"] = arange(12, float64).reshape(3, 4),
            ["randn_f32"] = randn([3, 4], g7),
            ["labels_i64"] = tensor(new long[] { 0, 9, 3, -5 }),
            ["mask_bool"] = tensor(new[] { true, false, true }),
            ["pixels_u8"] = tensor(new byte[] { 0, 128, 255, 7 }, [2, 2]),
            ["scalar_f64"] = scalar_tensor(2.5, float64),
        };
        string ours = Path.Combine(dir, "from-csharp.safetensors"), theirs = Path.Combine(dir, "from-pytorch.safetensors");
        Safetensors.Save(ours, tensors, new Dictionary<string, string> { ["format"] = "pt", ["writer"] = "repro" });

        string script = Path.Combine(AppContext.BaseDirectory, "python", "safetensors_interop.py");
        var (exitCode, output) = PythonTorch.Run(script, ours, theirs);
        Assert.That(exitCode, Is.EqualTo(0), "PyTorch rejected our file:\n" + output);

        var back = Safetensors.Load(theirs, out var metadata);
        Assert.That(metadata["writer"], Is.EqualTo("pytorch"));
        foreach (var (name, t) in tensors)
        {
            Tensor expected = t.dtype == ScalarType.Bool ? t.logical_not() : t * 2;
            if (t.dtype == ScalarType.UInt8) expected = expected.to(ScalarType.UInt8); // PyTorch wraps uint8 * 2 modulo 256
            Assert.That(back[name].dtype, Is.EqualTo(t.dtype), name);
            Assert.That(back[name].shape, Is.EqualTo(t.shape), name);
            Assert.That(back[name].ToBytes(), Is.EqualTo(expected.ToBytes()), name);
        }
        // Same seed, same libtorch generator: PyTorch's randn equals ours bit for bit.
        using var g11 = new Generator(11);
        Assert.That(back["torch_randn_f64"].ToArray<double>(), Is.EqualTo(randn([5], g11, float64).ToArray<double>()));
    }

    string Write(string name, byte[] bytes)
    {
        string path = Path.Combine(dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    static byte[] File_(string header, int dataBytes)
    {
        byte[] h = Encoding.UTF8.GetBytes(header);
        return [.. BitConverter.GetBytes((ulong)h.Length), .. h, .. new byte[dataBytes]];
    }

    [TestCase(new byte[] { 1, 2, 3 }, "too short")]
    public void TooShortFile(byte[] bytes, string message) => ExpectBad(Write("short.safetensors", bytes), message);

    [Test]
    public void MalformedFilesAreErrorsNamingFileAndTensor()
    {
        ExpectBad(Write("huge.safetensors", [.. BitConverter.GetBytes(1UL << 40), .. new byte[16]]), "exceeds");
        ExpectBad(Write("json.safetensors", File_("{\"a\": {", 0)), "not valid JSON");
        ExpectBad(Write("dtype.safetensors", File_("{\"w\": {\"dtype\": \"F8\", \"shape\": [1], \"data_offsets\": [0, 1]}}", 1)), "'w': dtype 'F8' is not supported");
        ExpectBad(Write("size.safetensors", File_("{\"w\": {\"dtype\": \"F32\", \"shape\": [3], \"data_offsets\": [0, 8]}}", 8)), "'w': shape [3] of F32 needs 12 bytes but data_offsets span 8");
        ExpectBad(Write("range.safetensors", File_("{\"w\": {\"dtype\": \"F32\", \"shape\": [4], \"data_offsets\": [0, 16]}}", 8)), "'w': data_offsets [0, 16] outside the 8-byte data section");
        ExpectBad(Write("gap.safetensors", File_("{\"w\": {\"dtype\": \"U8\", \"shape\": [2], \"data_offsets\": [2, 4]}}", 4)), "'w' starts at byte 2");
        ExpectBad(Write("tail.safetensors", File_("{\"w\": {\"dtype\": \"U8\", \"shape\": [2], \"data_offsets\": [0, 2]}}", 5)), "cover 2 bytes but the data section holds 5");
        ExpectBad(Write("shape.safetensors", File_("{\"w\": {\"dtype\": \"U8\", \"shape\": [-1], \"data_offsets\": [0, 0]}}", 0)), "'w': shape holds -1");
        // Found by the fuzzer (tests/Repro.Fuzz.Tests): these escaped as InvalidOperationException.
        ExpectBad(Write("metadata.safetensors", File_("{\"__metadata__\": 3}", 0)), "__metadata__ is not an object");
        ExpectBad(Write("utf8.safetensors", [.. BitConverter.GetBytes(4UL), (byte)'"', 0xc3, (byte)'"', (byte)' ']), "not UTF-8");
        ExpectBad(Write("surrogate.safetensors", File_("{\"__metadata__\": {\"k\": \"\\ud800\"}}", 0)), "not text");
        ExpectBad(Write("twice.safetensors", File_("{\"w\": {\"dtype\": \"U8\", \"shape\": [0], \"data_offsets\": [0, 0]}, \"w\": {}}", 0)), "not valid JSON");
        Assert.Throws<FileNotFoundException>(() => Safetensors.Load(Path.Combine(dir, "absent.safetensors")));
    }

    static void ExpectBad(string path, string message)
    {
        var e = Assert.Throws<InvalidDataException>(() => Safetensors.Load(path));
        Assert.That(e!.Message, Does.Contain(path).And.Contain(message));
    }

    [Test]
    public void LoadingAMismatchedCheckpointIntoAModuleNamesTheFile()
    {
        using var g = new Generator(3);
        using var small = nn.Linear(2, 2, g);
        using var big = nn.Linear(3, 2, g);
        string path = Path.Combine(dir, "small.safetensors");
        small.save(path);
        var e = Assert.Throws<TorchException>(() => big.load(path));
        Assert.That(e!.Message, Does.Contain(path).And.Contain("'weight'"));
    }
}
