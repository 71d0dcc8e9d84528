using Repro.Data;
using Repro.Harness;
using Repro.Torch;

namespace Repro.Experiments;

/// <summary>
/// What a tier of an experiment needs before any of its cells starts (a GPU, a data folder), so
/// that a Full tier without them stops at once with one message instead of failing cell by cell,
/// and never falls back to something else. The data it needs are the tier's declared
/// <see cref="IExperiment.DataNeeds"/>; this adds the device.
/// </summary>
public interface IHasRequirements
{
    /// <summary>The device the tier's recipe runs on.</summary>
    RecipeDevice Device(Tier tier);
}

public static class Requirements
{
    /// <summary>What is missing for the tier, one line each; empty when all is there. Cheap: it
    /// looks for files and asks libtorch for GPUs, so every cell may call it.</summary>
    public static IReadOnlyList<string> Missing(IExperiment experiment, Tier tier) =>
    [
        .. experiment is IHasRequirements needs ? Device(needs.Device(tier)) : [],
        .. experiment.DataNeeds(tier).Where(n => !n.FetchedOnUse && !n.IsPresent())
            .Select(n => $"data: {n.Name} not found at {n.Where}; {n.HowToGet}"),
    ];

    /// <summary>Empty when the recipe's device can run; else why not.</summary>
    static IEnumerable<string> Device(RecipeDevice device)
    {
        if (device != RecipeDevice.Cuda) yield break;
        if (!TorchRuntime.CudaBuilt)
            yield return $"CUDA: the recipe runs on cuda, but libtorch {TorchRuntime.Version} was built without CUDA " +
                         "(set LIBTORCH to a CUDA libtorch and rebuild, on a machine with a GPU)";
        else if (torch.cuda.device_count() == 0)
            yield return "CUDA: the recipe runs on cuda, but libtorch sees no GPU";
    }

    /// <summary>Throws with every missing requirement of the tier.</summary>
    public static void Check(IExperiment experiment, Tier tier)
    {
        var missing = Missing(experiment, tier);
        if (missing.Count > 0)
            // One line: the CLI's summary shows a failed cell's first line.
            throw new InvalidOperationException($"{experiment.Name} {tier}: cannot start: " + string.Join("; ", missing));
    }
}

/// <summary>The data a tier reads, as `repro list` shows it: where it comes from and whether it is here.</summary>
public static class DataSources
{
    /// <summary>Real data a Debian package ships (DATA.md), fetched on first use.</summary>
    public static DataNeed Package(string name) =>
        new(name, name == "fashion-mnist" ? "/usr/share/datasets/fashion-mnist" : $"{PackageData.Cache} (a Debian package's files)",
            () => PackageData.IsPresent(name), $"get it with `repro data fetch {name}` (a run fetches it on first use)", FetchedOnUse: true);

    /// <summary>A dataset read from REPRO_DATA, at <paramref name="relativePath"/> under it;
    /// <paramref name="source"/> says where the official copy comes from.</summary>
    public static DataNeed Folder(string name, string relativePath, string source) =>
        new(name, $"${DataFolder.Variable}/{relativePath}",
            () => Environment.GetEnvironmentVariable(DataFolder.Variable) is { Length: > 0 } root &&
                  Path.Combine(root, relativePath) is var path && (Directory.Exists(path) || File.Exists(path)),
            $"unpack {source} so that it is ${DataFolder.Variable}/{relativePath}, and set {DataFolder.Variable}");
}
