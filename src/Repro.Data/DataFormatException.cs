namespace Repro.Data;

/// <summary>Input data that is not what its format promises. The message always names the file
/// (or folder) and what was wrong with it.</summary>
public sealed class DataFormatException(string path, string problem, Exception? inner = null)
    : Exception($"{path}: {problem}", inner)
{
    public string Path { get; } = path;
    public string Problem { get; } = problem;
}
