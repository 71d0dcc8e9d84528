namespace Repro.Cli;

/// <summary>Bad arguments found after parsing (a filter that matches no cell, a shard out of
/// range, a missing directory): the command prints the message as one line and exits with 2.
/// The message says what is wrong and what is accepted.</summary>
public sealed class UsageException(string message) : Exception(message);
