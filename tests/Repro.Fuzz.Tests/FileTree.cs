using System.Text;

namespace Repro.Fuzz.Tests;

/// <summary>
/// A folder of files as one byte string, so that the mutator damages names and contents alike:
/// entries separated by 0x00, each a relative path, 0x01, the content (its bytes 0x00, 0x01 and
/// 0x02 escaped as 0x02 followed by '0', '1' or '2'); an entry without 0x01 is an (empty) folder.
/// Unpacking keeps what a file system can hold: each path character outside
/// [A-Za-z0-9 _.-] becomes '_', and empty, "." and ".." parts are dropped.
/// </summary>
public static class FileTree
{
    public static byte[] Pack(IEnumerable<(string path, byte[] content)> files)
    {
        var bytes = new List<byte>();
        foreach (var (path, content) in files)
        {
            if (bytes.Count > 0) bytes.Add(0);
            bytes.AddRange(Encoding.UTF8.GetBytes(path));
            bytes.Add(1);
            foreach (byte b in content)
            {
                if (b <= 2) bytes.AddRange([2, (byte)('0' + b)]);
                else bytes.Add(b);
            }
        }
        return bytes.ToArray();
    }

    public static void Unpack(byte[] bytes, string folder)
    {
        foreach (var entry in Split(bytes, 0))
        {
            int separator = Array.IndexOf(entry, (byte)1);
            string[] parts = Encoding.UTF8.GetString(separator < 0 ? entry : entry[..separator])
                .Split('/').Select(Clean).Where(p => p is not ("" or "." or "..")).ToArray();
            if (parts.Length == 0) continue;
            string path = Path.Combine([folder, .. parts]);
            // An entry whose path runs through a file, or names a folder as a file, cannot exist on
            // a real disk either: it is left out.
            try
            {
                if (separator < 0)
                {
                    if (!File.Exists(path)) Directory.CreateDirectory(path);
                    continue;
                }
                if (Directory.Exists(path)) continue;
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.WriteAllBytes(path, Unescape(entry.AsSpan(separator + 1)));
            }
            catch (IOException) { }
        }
    }

    // A broken escape (0x02 not followed by '0'-'2') is kept as it stands.
    static byte[] Unescape(ReadOnlySpan<byte> escaped)
    {
        var bytes = new List<byte>(escaped.Length);
        for (int i = 0; i < escaped.Length; i++)
        {
            if (escaped[i] == 2 && i + 1 < escaped.Length && escaped[i + 1] is >= (byte)'0' and <= (byte)'2')
                bytes.Add((byte)(escaped[++i] - '0'));
            else
                bytes.Add(escaped[i]);
        }
        return bytes.ToArray();
    }

    static string Clean(string part)
    {
        var chars = part.Select(c => char.IsAsciiLetterOrDigit(c) || c is ' ' or '_' or '.' or '-' ? c : '_').ToArray();
        return new string(chars, 0, Math.Min(chars.Length, 100));
    }

    static IEnumerable<byte[]> Split(byte[] bytes, byte separator)
    {
        int start = 0;
        for (int i = 0; i <= bytes.Length; i++)
            if (i == bytes.Length || bytes[i] == separator)
            {
                yield return bytes[start..i];
                start = i + 1;
            }
    }
}
