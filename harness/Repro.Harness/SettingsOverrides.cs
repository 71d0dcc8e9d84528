using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Repro.Harness;

/// <summary>
/// `--set name=value`: changes fields of a tier's settings (the record each experiment keeps in
/// one place) without editing code, e.g. `recipe.steps=2000` or `recipe.milestones=[30,60]`.
/// Names are the settings' JSON names as records show them, dotted into nested records; a value
/// must have the kind its field has (a number, true/false, text, a JSON array). The overridden
/// settings go into every cell's configuration, so their records hash apart from the defaults'.
/// </summary>
public static class SettingsOverrides
{
    /// <summary>A copy of <paramref name="settings"/> with the assignments applied in order.</summary>
    /// <exception cref="ArgumentException">An assignment names no setting, or its value has the wrong kind.</exception>
    public static JsonObject Apply(JsonObject settings, IEnumerable<string> assignments)
    {
        var result = (JsonObject)settings.DeepClone();
        foreach (string assignment in assignments) Set(result, assignment);
        return result;
    }

    static void Set(JsonObject settings, string assignment)
    {
        int eq = assignment.IndexOf('=');
        if (eq <= 0) throw new ArgumentException($"--set '{assignment}': expected name=value (e.g. recipe.steps=2000)");
        string path = assignment[..eq].Trim();
        string text = assignment[(eq + 1)..].Trim();
        string[] names = path.Split('.');
        JsonObject group = settings;
        for (int i = 0; ; i++)
        {
            string where = i == 0 ? "the settings" : $"the settings under {string.Join('.', names[..i])}";
            string key = group.Select(p => p.Key).FirstOrDefault(k => string.Equals(k, names[i], StringComparison.OrdinalIgnoreCase))
                ?? throw new ArgumentException($"--set {path}: {where} have no '{names[i]}' (there are: {string.Join(", ", group.Select(p => p.Key))})");
            if (i == names.Length - 1)
            {
                group[key] = Value(path, text, group[key]);
                return;
            }
            group = group[key] as JsonObject
                ?? throw new ArgumentException($"--set {path}: '{string.Join('.', names[..(i + 1)])}' is a single value, not a group of settings");
        }
    }

    static JsonNode? Value(string path, string text, JsonNode? current)
    {
        switch (current?.GetValueKind())
        {
            case JsonValueKind.String:
                return JsonValue.Create(text);
            case JsonValueKind.Number:
                return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double number) && double.IsFinite(number)
                    ? JsonNode.Parse(text.TrimStart('+'))
                    : throw new ArgumentException($"--set {path}={text}: expected a number (now {current.ToJsonString()})");
            case JsonValueKind.True or JsonValueKind.False:
                return bool.TryParse(text, out bool flag)
                    ? JsonValue.Create(flag)
                    : throw new ArgumentException($"--set {path}={text}: expected true or false (now {current.ToJsonString()})");
            case JsonValueKind.Array:
            {
                // Elements keep the kind of the list's own (numbers for milestones); "30,60" reads as [30,60].
                var kind = ((JsonArray)current).FirstOrDefault()?.GetValueKind() ?? JsonValueKind.Number;
                var list = ParseJson(path, text.StartsWith('[') ? text : $"[{text}]") as JsonArray;
                return list is not null && list.All(x => x?.GetValueKind() == kind)
                    ? list
                    : throw new ArgumentException($"--set {path}={text}: expected a list of {kind.ToString().ToLowerInvariant()}s such as {current.ToJsonString()}");
            }
            case JsonValueKind.Object:
                throw new ArgumentException($"--set {path}: is a group of settings; set one of its fields ({string.Join(", ", ((JsonObject)current).Select(p => $"{path}.{p.Key}"))})");
            default:
                // A field that is unset now (null): a JSON literal if the text is one, else text.
                return text == "null" ? null : TryParseJson(text) ?? JsonValue.Create(text);
        }
    }

    static JsonNode? ParseJson(string path, string json)
    {
        try { return JsonNode.Parse(json); }
        catch (JsonException e) { throw new ArgumentException($"--set {path}: '{json}' is not valid JSON ({e.Message})"); }
    }

    static JsonNode? TryParseJson(string text)
    {
        try { return JsonNode.Parse(text); }
        catch (JsonException) { return null; }
    }
}
