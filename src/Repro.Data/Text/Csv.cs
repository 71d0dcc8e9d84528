using System.Text;

namespace Repro.Data;

/// <summary>
/// CSV as RFC 4180 writes it: fields separated by commas, records by line breaks (CRLF, LF or a
/// lone CR); a field that starts with a quote runs to the matching quote and may hold commas,
/// line breaks and doubled quotes (<c>""</c> reads as <c>"</c>). A leading UTF-8 BOM is dropped,
/// fields are not trimmed, and a line break at the very end of the file does not start a record.
/// Anything else is a <see cref="DataFormatException"/> naming the file and the line where the
/// broken record starts: an unterminated quoted field, a quote inside an unquoted field, text
/// after a closing quote, bytes that are not UTF-8.
/// </summary>
public static class Csv
{
    /// <summary>One record: its fields, and the (1-based) line it starts on, for messages.</summary>
    public sealed record Record(int Line, IReadOnlyList<string> Fields);

    public static IReadOnlyList<Record> ReadFile(string path)
    {
        if (!File.Exists(path)) throw new DataFormatException(path, "file not found (CSV)");
        string text;
        try
        {
            text = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(File.ReadAllBytes(path));
        }
        catch (DecoderFallbackException e)
        {
            throw new DataFormatException(path, $"not UTF-8 text (bad byte at offset {e.Index})", e);
        }
        return Parse(text, path);
    }

    /// <summary>Parses CSV text; <paramref name="source"/> names it in messages.</summary>
    public static IReadOnlyList<Record> Parse(string text, string source)
    {
        var records = new List<Record>();
        var fields = new List<string>();
        var field = new StringBuilder();
        int i = text.StartsWith('\uFEFF') ? 1 : 0;
        int line = 1, recordLine = 1;

        while (i < text.Length)
        {
            // At the start of a field.
            if (text[i] == '"')
            {
                int quoteLine = line;
                i++;
                while (true)
                {
                    if (i == text.Length)
                        throw new DataFormatException(source,
                            $"record starting at line {recordLine}: quoted field {fields.Count + 1} opened on line {quoteLine} is never closed (end of file reached)");
                    char c = text[i];
                    if (c == '"')
                    {
                        if (i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i += 2; continue; }
                        i++;
                        break;
                    }
                    int length = LineBreakLength(text, i);
                    if (length > 0) line++;
                    else length = 1;
                    field.Append(text, i, length);
                    i += length;
                }
                if (i < text.Length && text[i] != ',' && LineBreakLength(text, i) == 0)
                    throw new DataFormatException(source,
                        $"record starting at line {recordLine}: text after the closing quote of field {fields.Count + 1} (line {line}); a quote inside a quoted field is written \"\"");
            }
            else
            {
                while (i < text.Length && text[i] != ',' && LineBreakLength(text, i) == 0)
                {
                    if (text[i] == '"')
                        throw new DataFormatException(source,
                            $"record starting at line {recordLine}: quote inside unquoted field {fields.Count + 1} (line {line}); a field holding quotes must be quoted, with each quote doubled");
                    field.Append(text[i++]);
                }
            }

            // After a field: a comma, a line break or the end of the text.
            fields.Add(field.ToString());
            field.Clear();
            if (i == text.Length) break;
            if (text[i] == ',')
            {
                i++;
                if (i == text.Length) fields.Add("");  // "a," ends with an empty field
                continue;
            }
            i += LineBreakLength(text, i);
            line++;
            records.Add(new Record(recordLine, fields.ToArray()));
            fields.Clear();
            recordLine = line;
        }
        if (fields.Count > 0) records.Add(new Record(recordLine, fields.ToArray()));
        return records;
    }

    /// <summary>The length of the line break (CRLF, LF or CR) at <paramref name="i"/>; 0 for none.</summary>
    static int LineBreakLength(string text, int i) => text[i] switch
    {
        '\r' => i + 1 < text.Length && text[i + 1] == '\n' ? 2 : 1,
        '\n' => 1,
        _ => 0,
    };
}
