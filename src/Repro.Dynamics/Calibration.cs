using Repro.Torch;
using static Repro.Torch.torch;

namespace Repro.Dynamics;

/// <summary>
/// Calibration of a classifier's predictions softmax(Z / T) over a split, accumulated batch by batch
/// (THEORY.md, "Calibration"): the negative log-likelihood, the accuracy and the expected
/// calibration error over equal-width confidence bins, ECE = sum_b (n_b / N) |accuracy_b -
/// confidence_b| with confidence the largest predicted probability. T = 1 is the model as trained;
/// a post-hoc temperature T changes no prediction, only the confidences.
/// </summary>
public sealed class Calibration(double temperature = 1, int bins = Calibration.Bins)
{
    /// <summary>THEORY.md's 15 equal-width bins.</summary>
    public const int Bins = 15;

    readonly long[] count = new long[bins];
    readonly double[] confidenceSum = new double[bins], correctSum = new double[bins];
    double nllSum;

    public double Temperature { get; } = temperature > 0 && double.IsFinite(temperature) ? temperature
        : throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "a temperature must be a finite number > 0");

    public long Count { get; private set; }
    public double Nll => nllSum / Count;
    public double Accuracy => correctSum.Sum() / Count;

    public double Ece
    {
        get
        {
            double ece = 0;
            for (int b = 0; b < count.Length; b++)
                if (count[b] > 0) ece += Math.Abs(correctSum[b] - confidenceSum[b]) / Count;
            return ece;
        }
    }

    /// <summary>Adds a batch: <paramref name="scaledLogits"/> Z = beta z, [N, K], and int64 labels [N].</summary>
    public void Add(Tensor scaledLogits, Tensor labels)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor logp = (scaledLogits.to(ScalarType.Float64) / Temperature).log_softmax(1);
        Tensor y = labels.unsqueeze(1);
        nllSum -= logp.gather(1, y).sum().item();
        double[] confidence = logp.max(1).values.exp().to(Device.CPU).ToArray<double>();
        long[] hit = logp.argmax(1).eq(labels).to(ScalarType.Int64).to(Device.CPU).ToArray<long>();
        for (int i = 0; i < confidence.Length; i++)
        {
            // Bin b holds confidences in (b/B, (b+1)/B]; a confidence of exactly 0 cannot occur (>= 1/K).
            int b = Math.Clamp((int)Math.Ceiling(confidence[i] * count.Length) - 1, 0, count.Length - 1);
            count[b]++;
            confidenceSum[b] += confidence[i];
            correctSum[b] += hit[i];
        }
        Count += confidence.Length;
    }

    /// <summary>
    /// Temperature scaling: the T* that minimises the NLL of softmax(Z / T) over a held-out split.
    /// The NLL is convex in 1/T, so a golden-section search over log T in [1e-3, 1e3] finds it.
    /// <paramref name="atBound"/> says T* sits at an end of that range (the NLL still falls beyond:
    /// for example a split classified perfectly, where it falls as T goes to 0).
    /// </summary>
    public static double FitTemperature(Tensor scaledLogits, Tensor labels, out bool atBound)
    {
        const double low = -3 * 2.302585092994046, high = 3 * 2.302585092994046;  // ln 1e-3, ln 1e3
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor z = scaledLogits.to(ScalarType.Float64);
        Tensor y = labels.unsqueeze(1);
        double Nll(double logT) => -(z / Math.Exp(logT)).log_softmax(1).gather(1, y).mean().item();
        double invPhi = (Math.Sqrt(5) - 1) / 2, a = low, b = high;
        double c = b - invPhi * (b - a), d = a + invPhi * (b - a), fc = Nll(c), fd = Nll(d);
        while (b - a > 1e-9)
        {
            if (fc <= fd)
            {
                (b, d, fd) = (d, c, fc);
                c = b - invPhi * (b - a);
                fc = Nll(c);
            }
            else
            {
                (a, c, fc) = (c, d, fd);
                d = a + invPhi * (b - a);
                fd = Nll(d);
            }
        }
        double logTStar = (a + b) / 2;
        atBound = logTStar - low < 1e-6 || high - logTStar < 1e-6;
        return Math.Exp(logTStar);
    }
}
