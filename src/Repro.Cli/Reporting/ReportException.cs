namespace Repro.Cli.Reporting;

/// <summary>A report could not be written (its npm packages or Node.js are missing, vega-cli
/// failed on a figure); the message says what to do.</summary>
public sealed class ReportException(string message) : Exception(message);
