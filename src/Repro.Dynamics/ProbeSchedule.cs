namespace Repro.Dynamics;

/// <summary>
/// The steps where a run measures its probe quantities, dense where the crossings happen and
/// independent of how often it logs anything else: every step up to <see cref="Dense"/>, then each
/// probe about <see cref="Ratio"/> times the previous one (at least one step later), and always the
/// last step. The default, every step to 4 then x sqrt(2): 0, 1, 2, 3, 4, 6, 8, 11, 16, 23, 33, 47,
/// 66, 93, ... A crossing is thus resolved to about 40% of its own step, wherever it falls, at a
/// cost logarithmic in the run's length.
/// </summary>
public sealed record ProbeSchedule(long Dense = 4, double Ratio = 1.4142135623730951)
{
    /// <summary>Every step: for full-batch runs, whose forward over the probe set happens each step anyway.</summary>
    public static ProbeSchedule EveryStep { get; } = new(long.MaxValue, 1);

    /// <summary>The probe steps of a run of <paramref name="last"/> steps, 0 and <paramref name="last"/> included.</summary>
    public IReadOnlyList<long> Steps(long last)
    {
        Validate();
        var steps = new List<long>();
        for (long s = 0; s < last; s = Next(s)) steps.Add(s);
        steps.Add(last);
        return steps;
    }

    long Next(long step) => step < Dense ? step + 1 : Math.Max(step + 1, (long)Math.Round(step * Ratio));

    public void Validate()
    {
        if (Dense < 0) throw new ArgumentOutOfRangeException(nameof(Dense), Dense, "the probe schedule's dense part must be >= 0 steps");
        if (!(Ratio >= 1) || double.IsInfinity(Ratio))
            throw new ArgumentOutOfRangeException(nameof(Ratio), Ratio, "the probe schedule's ratio must be a finite number >= 1");
    }

    /// <summary>"every step to 4, then x1.41 (17 probes: 0, 1, 2, 3, 4, 6, 8, 11, 16, ..., 240)", for records.</summary>
    public string Describe(long last)
    {
        var steps = Steps(last);
        string list = steps.Count <= 12 ? string.Join(", ", steps) : $"{string.Join(", ", steps.Take(9))}, ..., {steps[^1]}";
        string rule = Dense >= last ? "every step" : $"every step to {Dense}, then x{Ratio:0.##}";
        return $"{rule} ({steps.Count} probes: {list})";
    }
}
