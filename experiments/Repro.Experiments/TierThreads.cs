using Repro.Harness;
using Repro.Torch;

namespace Repro.Experiments;

/// <summary>
/// The smoke goldens pin float32 training to ~1e-4 and T5's argmin exactly, and both depend on how
/// many threads split libtorch's reductions (measured: 1 and 2 threads disagree). So the smoke tier
/// runs on a fixed thread count on every machine; the other tiers use the process's own
/// (REPRO_THREADS, else every core). Applied before every cell by <see cref="Experiment{TSettings}.Run(CellContext)"/>,
/// the one place that starts a cell's tensor work.
/// </summary>
public static class TierThreads
{
    public const int Smoke = 2;

    public static void Apply(Tier tier)
    {
        int threads = tier == Tier.Smoke ? Smoke : TorchRuntime.DefaultThreads;
        if (TorchRuntime.Threads != threads) TorchRuntime.SetThreads(threads);
    }
}
