namespace Repro.Cli;

/// <summary>What `repro` exits with.</summary>
public static class ExitCodes
{
    public const int Success = 0;
    /// <summary>A cell failed (its record holds the error), a report could not be rendered, or
    /// `golden diff` found received snapshots.</summary>
    public const int Failed = 1;
    /// <summary>Bad arguments: one line on stderr says what is wrong and what is accepted.</summary>
    public const int BadArguments = 2;
    /// <summary>The tier cannot run here (no CUDA, a dataset missing): one line says what is missing;
    /// nothing ran and no record was written.</summary>
    public const int Unavailable = 3;
    /// <summary>Stopped by Ctrl-C or SIGTERM (128 + SIGINT, as shells report it); finished cells are kept.</summary>
    public const int Cancelled = 130;
}
