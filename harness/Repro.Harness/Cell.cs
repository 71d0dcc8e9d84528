using System.Text.Json.Nodes;

namespace Repro.Harness;

/// <summary>
/// One point of a grid: inverse temperature beta, learning rate (eta and eta~ = eta * beta^2),
/// target initial logit scale ||Z0|| (null: the model's own initialization), seed, and the values
/// of any extra axes. <see cref="Id"/> is its readable name (`beta=0.1_etat=0.01_z0=1_seed=0`).
/// </summary>
public sealed class Cell
{
    /// <summary>The built-in axes as a cell id spells them (`beta=0.1_etat=0.01_z0=1_seed=0`), and
    /// as `repro run`'s filters and the grid's reserved names take them.</summary>
    public static class IdKeys
    {
        public const string Beta = "beta", Eta = "eta", EtaTilde = "etat", LogitScale = "z0", Seed = "seed";
        public static readonly IReadOnlyList<string> All = [Beta, EtaTilde, Eta, LogitScale, Seed];
    }

    /// <summary>The built-in axes as the configuration's "cell" object spells them (hashed: never rename).</summary>
    public static class JsonKeys
    {
        public const string Beta = "beta", Eta = "eta", EtaTilde = "etaTilde", GivenAs = "learningRateGivenAs",
            LogitScale = "logitScale", Seed = "seed";
        public static readonly IReadOnlyList<string> All = [Beta, Eta, EtaTilde, GivenAs, LogitScale, Seed];
    }

    public double Beta { get; }
    public double Eta { get; }
    public double EtaTilde { get; }
    /// <summary>True when the grid gave eta~ (the id says `etat=`), false when it gave eta.</summary>
    public bool LearningRateIsEtaTilde { get; }
    public double? LogitScale { get; }
    public int Seed { get; }
    public IReadOnlyList<KeyValuePair<string, object>> Extra { get; }
    public string Id { get; }

    internal Cell(double beta, double learningRate, bool isEtaTilde, double? logitScale, int seed,
        IReadOnlyList<KeyValuePair<string, object>> extra)
    {
        Beta = beta;
        LearningRateIsEtaTilde = isEtaTilde;
        (Eta, EtaTilde) = isEtaTilde ? (learningRate / (beta * beta), learningRate) : (learningRate, learningRate * beta * beta);
        LogitScale = logitScale;
        Seed = seed;
        Extra = extra;
        var parts = new List<string>
        {
            $"{IdKeys.Beta}={Axis.FormatNumber(beta)}",
            isEtaTilde ? $"{IdKeys.EtaTilde}={Axis.FormatNumber(EtaTilde)}" : $"{IdKeys.Eta}={Axis.FormatNumber(Eta)}",
            $"{IdKeys.LogitScale}={(logitScale is { } z ? Axis.FormatNumber(z) : "init")}",
        };
        parts.AddRange(extra.Select(kv => $"{kv.Key}={Axis.Format(kv.Value)}"));
        parts.Add($"{IdKeys.Seed}={seed}");
        Id = string.Join('_', parts);
    }

    /// <summary>The value of extra axis <paramref name="name"/>, with an error naming the axis if
    /// it is missing or of another type.</summary>
    public T Get<T>(string name)
    {
        foreach (var (key, value) in Extra)
            if (key == name)
                return value is T t ? t : throw new InvalidOperationException($"cell {Id}: axis '{name}' is {value.GetType().Name}, not {typeof(T).Name}");
        throw new KeyNotFoundException($"cell {Id} has no axis '{name}' (axes: {string.Join(", ", Extra.Select(kv => kv.Key).DefaultIfEmpty("none"))})");
    }

    /// <summary>The extra axes as "bn=true, net=mlp" ("" without any): what tells apart the
    /// variants of an experiment in its claims and report.</summary>
    public string Variant(string separator = ", ", string? except = null) =>
        string.Join(separator, Extra.Where(kv => kv.Key != except).Select(kv => $"{kv.Key}={Axis.Format(kv.Value)}"));

    /// <summary>The cell's axis values as JSON, part of the configuration that is hashed.</summary>
    public JsonObject ToJson()
    {
        var json = new JsonObject
        {
            [JsonKeys.Beta] = Beta,
            [JsonKeys.Eta] = Eta,
            [JsonKeys.EtaTilde] = EtaTilde,
            [JsonKeys.GivenAs] = LearningRateIsEtaTilde ? "etaTilde" : "eta",
            [JsonKeys.LogitScale] = LogitScale,
            [JsonKeys.Seed] = Seed,
        };
        foreach (var (key, value) in Extra) json[key] = JsonValue.Create(value);
        return json;
    }

    /// <summary>The cell of a configuration's "cell" object (<see cref="ToJson"/>'s inverse); errors
    /// name <paramref name="source"/> and the field.</summary>
    public static Cell FromJson(JsonObject json, string source)
    {
        double Number(string key) => json[key] is JsonValue v && v.TryGetValue(out double d)
            ? d : throw new FormatException($"{source}: the cell has no number '{key}'");
        bool tilde = json[JsonKeys.GivenAs] is JsonValue g && g.TryGetValue(out string? given) ? given != "eta"
            : throw new FormatException($"{source}: the cell has no '{JsonKeys.GivenAs}' (etaTilde or eta)");
        double beta = Number(JsonKeys.Beta);
        double? logitScale = json[JsonKeys.LogitScale] is null ? null : Number(JsonKeys.LogitScale);
        int seed = json[JsonKeys.Seed] is JsonValue s && s.TryGetValue(out int i) ? i : throw new FormatException($"{source}: the cell has no whole number '{JsonKeys.Seed}'");
        var extra = json.Where(kv => !JsonKeys.All.Contains(kv.Key))
            .Select(kv => new KeyValuePair<string, object>(kv.Key, ExtraValue(kv.Value, $"{source}: the cell's axis '{kv.Key}'"))).ToList();
        return new Cell(beta, tilde ? Number(JsonKeys.EtaTilde) : Number(JsonKeys.Eta), tilde, logitScale, seed, extra);
    }

    static object ExtraValue(JsonNode? node, string what) => node is JsonValue v ? v.GetValueKind() switch
    {
        System.Text.Json.JsonValueKind.True => true,
        System.Text.Json.JsonValueKind.False => false,
        System.Text.Json.JsonValueKind.String => v.GetValue<string>(),
        System.Text.Json.JsonValueKind.Number => v.TryGetValue(out int i) ? i : v.GetValue<double>(),
        _ => throw new FormatException($"{what} is not a number, bool or string"),
    } : throw new FormatException($"{what} is not a number, bool or string");

    /// <summary>The cell a <see cref="Id"/> names (the inverse of its format), for a file that holds
    /// nothing else to read it from (an unreadable record); null when the id is not of that form.</summary>
    public static Cell? FromId(string id)
    {
        var parts = id.Split('_').Select(p => p.Split('=', 2)).ToList();
        if (parts.Any(p => p.Length != 2)) return null;
        var values = parts.ToDictionary(p => p[0], p => p[1]);
        double? Number(string key) => values.TryGetValue(key, out string? text) &&
            double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double d) ? d : null;
        bool tilde = values.ContainsKey(IdKeys.EtaTilde);
        if (Number(IdKeys.Beta) is not { } beta || Number(tilde ? IdKeys.EtaTilde : IdKeys.Eta) is not { } rate
            || !values.TryGetValue(IdKeys.LogitScale, out string? z0) || !int.TryParse(values.GetValueOrDefault(IdKeys.Seed), out int seed))
            return null;
        double? logitScale = z0 == "init" ? null : Number(IdKeys.LogitScale);
        var extra = parts.Where(p => !IdKeys.All.Contains(p[0]))
            .Select(p => new KeyValuePair<string, object>(p[0], p[1] switch
            {
                "true" => true,
                "false" => false,
                _ when int.TryParse(p[1], System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out int i) => i,
                _ when double.TryParse(p[1], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double d) => d,
                _ => (object)p[1],
            })).ToList();
        var cell = new Cell(beta, rate, tilde, logitScale, seed, extra);
        return cell.Id == id ? cell : null;
    }

    public override string ToString() => Id;
}
