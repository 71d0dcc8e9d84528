namespace Repro.Fuzz.Tests;

/// <summary>
/// One reader of outside bytes under fuzzing: valid files to mutate, tokens of the format for the
/// mutator, how an input is put on disk (returning the path it is read from), how it is read, and
/// the reader's own exception. A rejection counts only when it is that exception and its message
/// names the path.
/// </summary>
public sealed record FuzzFormat(
    string Name,
    IReadOnlyList<byte[]> Seeds,
    IReadOnlyList<byte[]> Tokens,
    Func<byte[], string, string> Write,
    Action<string> Read,
    Type Rejection);

/// <summary>What a campaign found: inputs tried, read, rejected as the format says, and the
/// others (a different exception, or a message that does not name the file).</summary>
public sealed record FuzzCounts(string Format, int Tried, int Loaded, int Rejected, IReadOnlyList<string> Failures)
{
    public override string ToString() =>
        $"{Format}: {Tried:N0} inputs, {Loaded:N0} read, {Rejected:N0} rejected naming the file, {Failures.Count} other";
}

public static class FuzzCampaign
{
    /// <summary>The inputs per format (REPRO_FUZZ_INPUTS, default 3,000) and the generator's seed
    /// (REPRO_FUZZ_SEED, default fixed so every run tries the same inputs).</summary>
    public static int Inputs => Setting("REPRO_FUZZ_INPUTS", 3_000);
    public static int Seed => Setting("REPRO_FUZZ_SEED", 20_261_202);

    static int Setting(string name, int fallback) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } text
            ? int.TryParse(text, out int n) && n > 0 ? n : throw new ArgumentException($"{name}={text}: expected a positive whole number")
            : fallback;

    /// <summary>Reads each unmutated seed first (they must load: otherwise the campaign would be
    /// rejecting everything for one reason), then <paramref name="inputs"/> mutated ones.
    /// Inputs that fail are kept under <paramref name="keep"/> for reproduction.</summary>
    public static FuzzCounts Run(FuzzFormat format, int inputs, int seed, string folder, string keep)
    {
        var mutator = new Mutator(seed, format.Seeds, format.Tokens);
        int loaded = 0, rejected = 0;
        var failures = new List<string>();
        for (int i = 0; i < format.Seeds.Count; i++)
        {
            string path = Fresh(format, format.Seeds[i], folder);
            try { format.Read(path); }
            catch (Exception e) { throw new InvalidOperationException($"{format.Name}: seed {i} ({path}) does not load, so the campaign would test nothing: {e.Message}", e); }
        }
        for (int n = 0; n < inputs; n++)
        {
            var (bytes, how) = mutator.Next();
            string path = Fresh(format, bytes, folder);
            try
            {
                format.Read(path);
                loaded++;
            }
            catch (Exception e) when (e.GetType() == format.Rejection && e.Message.Contains(path, StringComparison.Ordinal))
            {
                rejected++;
            }
            catch (Exception e)
            {
                string kept = Path.Combine(keep, format.Name, $"input-{n}");
                CopyTree(path, kept);
                string where = e.StackTrace?.Split('\n').FirstOrDefault(l => l.Contains(" Repro.") && !l.Contains("Repro.Fuzz"))?.Trim() ?? "";
                failures.Add($"input {n} ({how}; kept at {kept}): {e.GetType().Name}: {e.Message} {where}");
            }
        }
        return new FuzzCounts(format.Name, inputs, loaded, rejected, failures);
    }

    // Each input is written into an emptied folder, so nothing of the previous one is read.
    static string Fresh(FuzzFormat format, byte[] bytes, string folder)
    {
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        Directory.CreateDirectory(folder);
        return format.Write(bytes, folder);
    }

    static void CopyTree(string path, string to)
    {
        if (File.Exists(path))
        {
            Directory.CreateDirectory(to);
            File.Copy(path, Path.Combine(to, Path.GetFileName(path)), overwrite: true);
            return;
        }
        if (!Directory.Exists(path)) return;
        foreach (string file in Directory.GetFiles(path, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(to, Path.GetRelativePath(path, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
        }
    }
}
