namespace Repro.Harness.Tests;

/// <summary>A fresh folder under /tmp, removed on dispose.</summary>
sealed class TempDirectory : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("repro-harness-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}
