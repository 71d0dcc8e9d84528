using System.Text;
using System.Text.Json.Nodes;

namespace Repro.Harness;

/// <summary>The result of checking a cell against its golden snapshot; Message says what
/// happened and, on failure, what moved and how to accept it.</summary>
public sealed record GoldenOutcome(bool Passed, string Message);

/// <summary>
/// Golden snapshots under &lt;root&gt; (the checkout's golden/): `&lt;experiment&gt;/&lt;tier&gt;/&lt;cell&gt;.verified.json`.
/// A check that fails writes `&lt;cell&gt;.received.json` beside the verified file; accepting moves
/// received onto verified. Tolerances in a verified file govern; the experiment's tolerances
/// seed quantities the file does not have yet.
/// </summary>
public sealed class GoldenStore(string root)
{
    /// <summary>The environment variable that accepts received snapshots as the run goes (never in CI).</summary>
    public const string AcceptVariable = "REPRO_ACCEPT";
    public const string AcceptCommand = "dotnet msbuild -t:AcceptGolden";

    public string Root { get; } = Path.GetFullPath(root);

    public static bool AcceptRequested => Environment.GetEnvironmentVariable(AcceptVariable) is "1" or "true";

    public string VerifiedPath(string experiment, Tier tier, string cell) => Path.Combine(Root, experiment, tier.Name, cell + ".verified.json");
    public string ReceivedPath(string experiment, Tier tier, string cell) => Path.Combine(Root, experiment, tier.Name, cell + ".received.json");

    /// <param name="claims">A summary's claims table, written beside its quantities and not compared.</param>
    public GoldenOutcome Check(RunRecord record, IReadOnlyList<GoldenQuantity> quantities, bool accept, JsonArray? claims = null)
    {
        var tier = record.Tier;
        string verifiedPath = VerifiedPath(record.Experiment, tier, record.Cell);
        string receivedPath = ReceivedPath(record.Experiment, tier, record.Cell);
        string shortName = $"{record.Experiment}/{tier.Name}/{record.Cell}";

        GoldenFile? verified = File.Exists(verifiedPath) ? GoldenFile.Read(verifiedPath) : null;
        var governing = verified?.Quantities.ToDictionary(q => q.Name, q => q.Tolerance) ?? [];
        var received = new GoldenFile
        {
            Experiment = record.Experiment,
            Tier = tier.Name,
            Cell = record.Cell,
            ConfigHash = record.ConfigHash,
            Config = record.Config,
            Quantities = quantities.Select(q => governing.TryGetValue(q.Name, out var t) ? q with { Tolerance = t } : q).ToList(),
            Claims = claims,
        };

        if (verified is null)
        {
            if (accept)
            {
                AtomicFile.WriteAllText(verifiedPath, received.ToJson());
                return new(true, $"golden {shortName}: none existed; accepted the run's values into {verifiedPath} ({AcceptVariable}=1)");
            }
            AtomicFile.WriteAllText(receivedPath, received.ToJson());
            return new(false,
                $"golden {shortName}: no snapshot at {verifiedPath}.\n" +
                $"The run wrote {receivedPath}; look at its values, then accept them with `{AcceptCommand}` " +
                $"(or rerun with {AcceptVariable}=1).");
        }

        var comparison = new GoldenComparison(verified.Quantities, received.Quantities);
        var configChanges = verified.ConfigHash == record.ConfigHash ? [] : ConfigDifferences(verified.Config, record.Config);
        bool sameConfig = verified.ConfigHash == record.ConfigHash;
        if (comparison.Passed && sameConfig)
        {
            File.Delete(receivedPath);
            return new(true, $"golden {shortName}: {comparison.Rows.Count} quantities within tolerance");
        }

        var message = new StringBuilder();
        message.AppendLine($"golden {shortName}: {(comparison.Passed ? "quantities within tolerance, but" : $"{comparison.Rows.Count(r => !r.Passed)} of {comparison.Rows.Count} quantities moved")}" +
                           (sameConfig ? "" : $"{(comparison.Passed ? "" : ", and")} the snapshot was recorded from another configuration (hash {verified.ConfigHash[..12]}, now {record.ConfigHash[..12]})"));
        foreach (string change in configChanges) message.AppendLine($"  config {change}");
        message.AppendLine();
        message.Append(comparison.Table());
        if (accept)
        {
            AtomicFile.WriteAllText(verifiedPath, received.ToJson());
            File.Delete(receivedPath);
            message.AppendLine($"accepted into {verifiedPath} ({AcceptVariable}=1)");
            return new(true, message.ToString());
        }
        AtomicFile.WriteAllText(receivedPath, received.ToJson());
        message.AppendLine($"wrote {receivedPath}; if the new values are right, accept them with `{AcceptCommand}` (or rerun with {AcceptVariable}=1)");
        return new(false, message.ToString());
    }

    /// <summary>Moves every received snapshot onto its verified file; returns the verified paths.</summary>
    public IReadOnlyList<string> AcceptAll()
    {
        if (!Directory.Exists(Root)) return [];
        var received = Directory.EnumerateFiles(Root, "*.received.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        // All or none: every file must load before any is moved, so that a bad one never leaves
        // the goldens half accepted.
        var unreadable = received.Select(GoldenFile.ProblemOf).OfType<string>().ToList();
        if (unreadable.Count > 0)
            throw new FormatException($"{unreadable.Count} of {received.Count} received snapshot(s) cannot be read, so none was accepted:\n  " +
                                      string.Join("\n  ", unreadable));
        var accepted = new List<string>();
        foreach (string path in received)
        {
            string verified = path[..^".received.json".Length] + ".verified.json";
            File.Move(path, verified, overwrite: true);
            accepted.Add(verified);
        }
        return accepted;
    }

    /// <summary>Every verified snapshot as (experiment, tier, cell), from the folder layout.</summary>
    public IReadOnlyList<(string experiment, string tier, string cell, string path)> AllVerified()
    {
        if (!Directory.Exists(Root)) return [];
        return Directory.EnumerateFiles(Root, "*.verified.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            .Select(path =>
            {
                string relative = Path.GetRelativePath(Root, path);
                string[] parts = relative.Split(Path.DirectorySeparatorChar);
                return parts.Length == 3
                    ? (parts[0], parts[1], parts[2][..^".verified.json".Length], path)
                    : ("", "", relative, path);
            }).ToList();
    }

    /// <summary>Paths whose values differ between two configurations ("settings.steps: 50 -> 60").</summary>
    public static IReadOnlyList<string> ConfigDifferences(JsonObject before, JsonObject after)
    {
        var a = Flatten(before);
        var b = Flatten(after);
        return a.Keys.Union(b.Keys).Order(StringComparer.Ordinal)
            .Where(k => !(a.TryGetValue(k, out var x) && b.TryGetValue(k, out var y) && x == y))
            .Select(k => $"{k}: {(a.TryGetValue(k, out var x) ? x : "(absent)")} -> {(b.TryGetValue(k, out var y) ? y : "(absent)")}")
            .ToList();
    }

    static Dictionary<string, string> Flatten(JsonNode? node, string prefix = "", Dictionary<string, string>? into = null)
    {
        into ??= [];
        if (node is JsonObject obj)
            foreach (var (key, child) in obj) Flatten(child, prefix.Length == 0 ? key : $"{prefix}.{key}", into);
        else
            into[prefix] = CanonicalJson.Serialize(node);
        return into;
    }
}
