using System.Text.Json.Serialization;

namespace Repro.Training;

/// <summary>Sums over the training steps since the last log, for the mean training loss and
/// accuracy at the next one. Saved in checkpoints, so a resumed run logs the same means.</summary>
public sealed class TrainingMeans
{
    public double LossSum { get; set; }
    public long Steps { get; set; }
    public long Correct { get; set; }
    public long Examples { get; set; }

    public void Add(double loss, long correct, long examples)
    {
        LossSum += loss;
        Steps++;
        Correct += correct;
        Examples += examples;
    }

    [JsonIgnore] public double Loss => LossSum / Steps;
    [JsonIgnore] public double Accuracy => (double)Correct / Examples;

    public void Clear() => (LossSum, Steps, Correct, Examples) = (0, 0, 0, 0);
}
