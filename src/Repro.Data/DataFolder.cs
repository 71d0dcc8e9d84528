namespace Repro.Data;

/// <summary>
/// Where the paper's datasets are read from: REPRO_DATA (`repro run` and `sweep` set it from
/// `--data`). They come from their publishers (DATA.md), never fetched by a run, so a missing
/// folder is an error that says which layout is expected.
/// </summary>
public static class DataFolder
{
    public const string Variable = "REPRO_DATA";

    /// <summary>The data folder for <paramref name="dataset"/>, whose expected layout under it is
    /// <paramref name="layout"/> (for the message).</summary>
    public static string Resolve(string? option, string dataset, string layout)
    {
        string? folder = option is { Length: > 0 } ? option : Environment.GetEnvironmentVariable(Variable);
        if (folder is not { Length: > 0 })
            throw new DataFormatException($"{Variable} (or --data)",
                $"not set: {dataset} is read from <data folder>/{layout}; point {Variable} or --data at the folder that holds it");
        folder = Path.GetFullPath(folder);
        if (!Directory.Exists(folder))
            throw new DataFormatException(folder, $"the data folder does not exist ({dataset} is read from <data folder>/{layout})");
        return folder;
    }
}
