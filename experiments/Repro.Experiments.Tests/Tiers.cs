using Repro.Harness;

[assembly: Parallelizable(ParallelScope.Fixtures)]
[assembly: LevelOfParallelism(2)]

namespace Repro.Experiments.Tests;

/// <summary>Seconds, synthetic data, CPU, golden-pinned. Runs in every `dotnet test`.</summary>
public sealed class SmokeAttribute() : CategoryAttribute("Smoke");

/// <summary>Minutes, real small data, CPU. `dotnet msbuild -t:Short`.</summary>
public sealed class ShortAttribute() : CategoryAttribute("Short");

/// <summary>The paper's scale, on a GPU box. `dotnet msbuild -t:Full`.</summary>
public sealed class FullAttribute() : CategoryAttribute("Full");

static class TierCategory
{
    /// <summary>The NUnit category of a tier, as the attributes above spell it.</summary>
    public static string Of(Tier tier) => char.ToUpperInvariant(tier.Name[0]) + tier.Name[1..];
}
