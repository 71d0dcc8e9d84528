namespace Repro.Harness;

/// <summary>One row of a claims table: the paper's claim, what was measured, its interval and verdict,
/// and which cells it used (or why it could not be measured).</summary>
public sealed record Claim(
    string Id,          // C1 ... C7 (C4a / C4b)
    string Statement,   // the paper's claim, in a line
    string Measure,     // what Value is
    double Value,
    double Low,
    double High,
    Verdict Verdict,
    string Rule,        // the verdict rule applied
    string Cells);      // the cells used, and what was left out
