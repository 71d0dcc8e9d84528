namespace Repro.Cli;

/// <summary>The tier cannot run on this machine (no CUDA, a dataset missing): found before any
/// cell, so nothing runs and no record is written. One line naming every missing thing; exit 3.</summary>
public sealed class UnavailableException(string message) : Exception(message);
