using System.Text.Json.Nodes;

namespace Repro.Harness;

/// <summary>
/// One point of a grid: inverse temperature beta, learning rate (eta and eta~ = eta * beta^2),
/// target initial logit scale ||Z0|| (null: the model's own initialization), seed, and the values
/// of any extra axes. <see cref="Id"/> is its readable name (`beta=0.1_etat=0.01_z0=1_seed=0`).
/// </summary>
public sealed class Cell
{
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
            $"beta={Axis.FormatNumber(beta)}",
            isEtaTilde ? $"etat={Axis.FormatNumber(EtaTilde)}" : $"eta={Axis.FormatNumber(Eta)}",
            $"z0={(logitScale is { } z ? Axis.FormatNumber(z) : "init")}",
        };
        parts.AddRange(extra.Select(kv => $"{kv.Key}={Axis.Format(kv.Value)}"));
        parts.Add($"seed={seed}");
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

    /// <summary>The cell's axis values as JSON, part of the configuration that is hashed.</summary>
    public JsonObject ToJson()
    {
        var json = new JsonObject
        {
            ["beta"] = Beta,
            ["eta"] = Eta,
            ["etaTilde"] = EtaTilde,
            ["learningRateGivenAs"] = LearningRateIsEtaTilde ? "etaTilde" : "eta",
            ["logitScale"] = LogitScale,
            ["seed"] = Seed,
        };
        foreach (var (key, value) in Extra) json[key] = JsonValue.Create(value);
        return json;
    }

    public override string ToString() => Id;
}
