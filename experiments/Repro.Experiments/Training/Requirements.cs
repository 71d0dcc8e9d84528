using Repro.Data;
using Repro.Harness;
using Repro.Torch;

namespace Repro.Experiments;

/// <summary>
/// What a tier of an experiment needs before any of its cells starts (a GPU, a data folder), so
/// that a Full tier without them stops at once with one message instead of failing cell by cell,
/// and never falls back to something else.
/// </summary>
public interface IHasRequirements
{
    /// <summary>What is missing for <paramref name="tier"/>, one line each; empty when all is there.</summary>
    IReadOnlyList<string> Missing(Tier tier);
}

public static class Requirements
{
    /// <summary>Empty when the recipe's device can run; else why not.</summary>
    public static IEnumerable<string> Device(string device)
    {
        if (device != "cuda") yield break;
        if (!TorchRuntime.CudaBuilt)
            yield return $"CUDA: the recipe runs on cuda, but libtorch {TorchRuntime.Version} was built without CUDA " +
                         "(set LIBTORCH to a CUDA libtorch and rebuild, on a machine with a GPU)";
        else if (torch.cuda.device_count() == 0)
            yield return "CUDA: the recipe runs on cuda, but libtorch sees no GPU";
    }

    /// <summary>Empty when <paramref name="check"/> finds the data; else its message.</summary>
    public static IEnumerable<string> Data(Action check)
    {
        string? message = null;
        try { check(); }
        catch (Exception e) when (e is Repro.Data.DataFormatException or IOException) { message = e.Message; }
        if (message is not null) yield return "data: " + message;
    }

    /// <summary>Throws with every missing requirement of the tier.</summary>
    public static void Check(IExperiment experiment, Tier tier)
    {
        if (experiment is not IHasRequirements needs) return;
        var missing = needs.Missing(tier);
        if (missing.Count > 0)
            throw new InvalidOperationException($"{experiment.Name} {tier}: cannot start:\n  " + string.Join("\n  ", missing));
    }
}

/// <summary>The data a tier reads, as `repro list` shows it: where it comes from and whether it is here.</summary>
public static class DataSources
{
    /// <summary>Real data a Debian package ships (DATA.md), fetched on first use.</summary>
    public static DataNeed Package(string name) =>
        new(name, name == "fashion-mnist" ? "/usr/share/datasets/fashion-mnist" : $"{PackageData.Cache} (a Debian package's files)",
            () => PackageData.IsPresent(name), $"get it with `repro data fetch {name}` (a run fetches it on first use)");

    /// <summary>A dataset read from REPRO_DATA, at <paramref name="relativePath"/> under it.</summary>
    public static DataNeed Folder(string name, string relativePath) =>
        new(name, $"${DataFolder.Variable}/{relativePath}",
            () => Environment.GetEnvironmentVariable(DataFolder.Variable) is { Length: > 0 } root &&
                  Path.Combine(root, relativePath) is var path && (Directory.Exists(path) || File.Exists(path)),
            $"put a copy of {name} at ${DataFolder.Variable}/{relativePath} (DATA.md: it cannot be downloaded here)");
}
