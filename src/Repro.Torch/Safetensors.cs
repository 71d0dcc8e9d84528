using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using static Repro.Torch.PInvoke.Native;

namespace Repro.Torch;

/// <summary>
/// Checkpoints in the safetensors format, so weights round-trip with PyTorch: an 8-byte
/// little-endian header length N, N bytes of JSON ({name: {dtype, shape, data_offsets}},
/// optional "__metadata__" of strings), then the raw little-endian data, tensors back to back.
/// </summary>
public static class Safetensors
{
    static readonly Dictionary<ScalarType, string> Names = new()
    {
        [ScalarType.Float64] = "F64", [ScalarType.Float32] = "F32", [ScalarType.Float16] = "F16",
        [ScalarType.BFloat16] = "BF16", [ScalarType.Int64] = "I64", [ScalarType.Int32] = "I32",
        [ScalarType.Int16] = "I16", [ScalarType.Int8] = "I8", [ScalarType.UInt8] = "U8", [ScalarType.Bool] = "BOOL",
    };

    static readonly Dictionary<string, ScalarType> Types = Names.ToDictionary(kv => kv.Value, kv => kv.Key);

    /// <summary>Writes the tensors (to a temporary file, then renamed: a crash never leaves half a checkpoint).</summary>
    public static void Save(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var entries = tensors.ToList();
        var header = new MemoryStream();
        using (var json = new Utf8JsonWriter(header))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject("__metadata__");
                foreach (var (k, v) in metadata) json.WriteString(k, v);
                json.WriteEndObject();
            }
            long offset = 0;
            var seen = new HashSet<string>();
            foreach (var (name, t) in entries)
            {
                if (!seen.Add(name)) throw new ArgumentException($"safetensors {path}: tensor name '{name}' appears twice", nameof(tensors));
                if (name == "__metadata__") throw new ArgumentException($"safetensors {path}: '__metadata__' is reserved", nameof(tensors));
                if (!Names.TryGetValue(t.dtype, out string? dtype)) throw new TorchException($"safetensors {path}: '{name}' has dtype {t.dtype}, which safetensors cannot store");
                long bytes = t.numel() * t.dtype.ElementSize();
                json.WriteStartObject(name);
                json.WriteString("dtype", dtype);
                json.WriteStartArray("shape");
                foreach (long d in t.shape) json.WriteNumberValue(d);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + bytes);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += bytes;
            }
            json.WriteEndObject();
        }
        // Pad with spaces so the data starts 8-byte aligned, as the reference writer does.
        while (header.Length % 8 != 0) header.WriteByte((byte)' ');

        string tmp = path + ".tmp-" + Environment.ProcessId;
        using (var file = new FileStream(tmp, FileMode.Create, FileAccess.Write))
        {
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
            file.Write(length);
            header.Position = 0;
            header.CopyTo(file);
            foreach (var (_, t) in entries) file.Write(t.ToBytes());
        }
        File.Move(tmp, path, overwrite: true);
    }

    /// <summary>Reads every tensor (CPU) in file order. Any inconsistency is an error naming the
    /// file and the tensor.</summary>
    public static OrderedDictionary<string, Tensor> Load(string path) => Load(path, out _);

    public static OrderedDictionary<string, Tensor> Load(string path, out Dictionary<string, string> metadata)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"safetensors file not found: {path}", path);
        using var file = File.OpenRead(path);
        long fileLength = file.Length;
        if (fileLength < 8) throw Bad(path, $"file is {fileLength} bytes, too short for the 8-byte header length");
        Span<byte> lengthBytes = stackalloc byte[8];
        file.ReadExactly(lengthBytes);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
        if (headerLength > (ulong)(fileLength - 8))
            throw Bad(path, $"header length {headerLength} exceeds the {fileLength - 8} bytes after it (not a safetensors file?)");
        byte[] headerBytes = new byte[headerLength];
        file.ReadExactly(headerBytes);
        long dataStart = 8 + (long)headerLength, dataLength = fileLength - dataStart;

        // JsonDocument checks the UTF-8 of strings only when they are read, with an exception of its
        // own; the whole header is checked here instead.
        if (!System.Text.Unicode.Utf8.IsValid(headerBytes)) throw Bad(path, "header is not UTF-8 text (not a safetensors file?)");
        JsonDocument doc;
        try { doc = JsonDocument.Parse(headerBytes, new JsonDocumentOptions { AllowDuplicateProperties = false }); }
        catch (JsonException e) { throw Bad(path, $"header is not valid JSON (line {e.LineNumber}, byte {e.BytePositionInLine}): {e.Message}"); }
        catch (InvalidOperationException e) { throw Bad(path, $"header holds a string that is not text: {e.Message}"); }

        metadata = [];
        var specs = new List<(string name, ScalarType dtype, long[] shape, long begin, long end)>();
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw Bad(path, "header is not a JSON object");
            try
            {
                foreach (var entry in doc.RootElement.EnumerateObject())
                {
                    if (entry.Name == "__metadata__")
                    {
                        if (entry.Value.ValueKind != JsonValueKind.Object) throw Bad(path, "__metadata__ is not an object");
                        foreach (var m in entry.Value.EnumerateObject())
                            metadata[m.Name] = m.Value.ValueKind == JsonValueKind.String ? m.Value.GetString()! : throw Bad(path, $"__metadata__.{m.Name} is not a string");
                        continue;
                    }
                    specs.Add(ParseSpec(path, entry, dataLength));
                }
            }
            // A string escape that is no text (a lone surrogate, \ud800) is found only as it is read.
            catch (InvalidOperationException e) { throw Bad(path, $"header holds a string that is not text: {e.Message}"); }
        }

        // The format requires the tensors to tile the data buffer exactly.
        long expected = 0;
        foreach (var s in specs.OrderBy(s => s.begin))
        {
            if (s.begin != expected) throw Bad(path, $"'{s.name}' starts at byte {s.begin} of the data, expected {expected} (overlap or gap)");
            expected = s.end;
        }
        if (expected != dataLength) throw Bad(path, $"tensors cover {expected} bytes but the data section holds {dataLength}");

        var result = new OrderedDictionary<string, Tensor>();
        try
        {
            foreach (var (name, dtype, shape, begin, end) in specs)
            {
                byte[] bytes = new byte[end - begin];
                file.Position = dataStart + begin;
                file.ReadExactly(bytes);
                result.Add(name, FromBytes(bytes, shape, dtype));
            }
        }
        catch
        {
            foreach (var t in result.Values) t.Dispose();
            throw;
        }
        return result;
    }

    static (string, ScalarType, long[], long, long) ParseSpec(string path, JsonProperty entry, long dataLength)
    {
        string name = entry.Name;
        JsonElement v = entry.Value;
        if (v.ValueKind != JsonValueKind.Object) throw Bad(path, $"'{name}': entry is not an object");
        if (!v.TryGetProperty("dtype", out var d) || d.ValueKind != JsonValueKind.String) throw Bad(path, $"'{name}': missing string field 'dtype'");
        if (!Types.TryGetValue(d.GetString()!, out ScalarType dtype))
            throw Bad(path, $"'{name}': dtype '{d.GetString()}' is not supported (supported: {string.Join(", ", Types.Keys)})");
        if (!v.TryGetProperty("shape", out var s) || s.ValueKind != JsonValueKind.Array) throw Bad(path, $"'{name}': missing array field 'shape'");
        long[] shape = s.EnumerateArray().Select(x => x.TryGetInt64(out long n) && n >= 0 ? n : throw Bad(path, $"'{name}': shape holds {x}, not a non-negative integer")).ToArray();
        if (!v.TryGetProperty("data_offsets", out var o) || o.ValueKind != JsonValueKind.Array || o.GetArrayLength() != 2)
            throw Bad(path, $"'{name}': missing field 'data_offsets' [begin, end]");
        long begin = o[0].TryGetInt64(out long b) ? b : -1, end = o[1].TryGetInt64(out long e) ? e : -1;
        if (begin < 0 || end < begin || end > dataLength)
            throw Bad(path, $"'{name}': data_offsets [{o[0]}, {o[1]}] outside the {dataLength}-byte data section");
        long numel = shape.Aggregate(1L, (a, x) => a * x);
        if (numel * dtype.ElementSize() != end - begin)
            throw Bad(path, $"'{name}': shape [{string.Join(", ", shape)}] of {d.GetString()} needs {numel * dtype.ElementSize()} bytes but data_offsets span {end - begin}");
        return (name, dtype, shape, begin, end);
    }

    static unsafe Tensor FromBytes(byte[] bytes, long[] shape, ScalarType dtype)
    {
        fixed (byte* p = bytes)
        fixed (long* s = shape)
            return Wrap(RTTensor_from_data(p, s, shape.Length, (int)dtype));
    }

    static InvalidDataException Bad(string path, string what) => new($"safetensors {path}: {what}");
}
