using System.Text.Json;

namespace Repro.Harness;

/// <summary>
/// JSON read from a file (goldens, records), checked whole before anything reads it: valid JSON,
/// one value per name in every object, and every string and name real text. System.Text.Json
/// decodes strings lazily and says "\ud800" (a lone surrogate) with an InvalidOperationException
/// only when a string is read, possibly long after the file; here it is a FormatException naming
/// the file.
/// </summary>
public static class JsonInput
{
    static readonly JsonDocumentOptions Options = new() { AllowTrailingCommas = false, AllowDuplicateProperties = false };

    public static JsonDocument Parse(string text, string source)
    {
        JsonDocument? doc = null;
        try
        {
            doc = JsonDocument.Parse(text, Options);
            CheckText(doc.RootElement);
            return doc;
        }
        catch (JsonException e)
        {
            throw new FormatException($"{source}: invalid JSON at line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}: {e.Message}", e);
        }
        // Thrown by the parse too, where it compares names for duplicates.
        catch (InvalidOperationException e)
        {
            doc?.Dispose();
            throw new FormatException($"{source}: a string that is not text (a lone surrogate escape such as \\ud800): {e.Message}", e);
        }
    }

    static void CheckText(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                _ = element.GetString();
                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray()) CheckText(item);
                break;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    _ = property.Name;
                    CheckText(property.Value);
                }
                break;
        }
    }
}
