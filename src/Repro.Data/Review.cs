namespace Repro.Data;

/// <summary>A labelled text: Label 1 = positive, 0 = negative. Source names the file (and line
/// or record) it came from, for messages.</summary>
public sealed record Review(string Text, int Label, string Source);
