using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Repro.Harness;

/// <summary>
/// Canonical JSON of a configuration and its SHA-256: object keys in ordinal order, no
/// whitespace, numbers in one form (integral values below 1e15 as integers, others as the
/// shortest round-trip invariant form), so that key order, number spelling (1 / 1.0 / 1e0) and
/// the current culture cannot change a cell's hash.
/// </summary>
public static class CanonicalJson
{
    public static string Serialize(JsonNode? node)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        using (var doc = JsonDocument.Parse(node?.ToJsonString() ?? "null"))
            Write(writer, doc.RootElement);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Lower-case hex SHA-256 of <see cref="Serialize"/>.</summary>
    public static string Hash(JsonNode? node) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Serialize(node))));

    static void Write(Utf8JsonWriter writer, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in element.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(property.Name);
                    Write(writer, property.Value);
                }
                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray()) Write(writer, item);
                writer.WriteEndArray();
                break;
            case JsonValueKind.Number:
                writer.WriteRawValue(Number(element));
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }

    static string Number(JsonElement element)
    {
        if (element.TryGetInt64(out long l)) return l.ToString(CultureInfo.InvariantCulture);
        double d = element.GetDouble();
        if (Math.Abs(d) < 1e15 && d == Math.Floor(d)) return ((long)d).ToString(CultureInfo.InvariantCulture);
        return d.ToString("R", CultureInfo.InvariantCulture).Replace('E', 'e');
    }
}
