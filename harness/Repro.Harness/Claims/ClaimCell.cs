using System.Text.Json.Nodes;

namespace Repro.Harness;

/// <summary>What the claims read of one run record.</summary>
public sealed record ClaimCell(
    double Beta,
    double Rate,          // the grid's learning-rate coordinate (eta~ or eta, as the grid gives it)
    double Eta,
    double? Z0Target,     // the grid's ||Z0|| (null: the model's own initialization)
    double Z0,            // the target, or the measured ||Z0|| of an initialization
    int Seed,
    string Variant,       // the extra axes ("bn=true"), "" without any
    bool Diverged,
    double TestAccuracy,  // final test accuracy
    double Ece,
    double EceTStar,
    double TLearn,        // NaN when censored or absent
    double Score)         // what the eta scan selects by (EtaScan.Score: validation accuracy, 0 when diverged or failed)
{
    static readonly string[] BuiltIn = ["beta", "eta", "etaTilde", "learningRateGivenAs", "logitScale", "seed"];

    public static ClaimCell From(RunRecord r)
    {
        var cell = r.Config["cell"]?.AsObject() ?? throw new FormatException($"record {r.Cell}: no 'cell' in its configuration");
        double Get(string name) => cell[name]?.GetValue<double>() ?? throw new FormatException($"record {r.Cell}: cell has no '{name}'");
        double Scalar(string name) => r.Scalars.GetValueOrDefault(name, double.NaN);
        bool givenAsTilde = cell["learningRateGivenAs"]?.GetValue<string>() != "eta";
        double? target = cell["logitScale"] is JsonValue z ? z.GetValue<double>() : null;
        string variant = string.Join(",", cell.Where(kv => !BuiltIn.Contains(kv.Key)).Select(kv => $"{kv.Key}={kv.Value}"));
        return new ClaimCell(Get("beta"), givenAsTilde ? Get("etaTilde") : Get("eta"), Get("eta"), target, target ?? Scalar("z0_norm"), cell["seed"]?.GetValue<int>() ?? throw new FormatException($"record {r.Cell}: cell has no 'seed'"), variant,
            r.Status == RunStatus.Diverged,
            r.Status == RunStatus.Complete ? Scalar("final_test_accuracy") : double.NaN,
            Scalar("test_ece"), Scalar("test_ece_t_star"), Scalar("t_learn"), EtaScan.Score(r));
    }
}
