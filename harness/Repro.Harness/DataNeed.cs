namespace Repro.Harness;

/// <summary>
/// Data a tier of an experiment reads, for `repro list`: its name, where it is read from, a check
/// whether this machine has it (cheap: it looks, never fetches), and how to get it when it does
/// not (a command). <paramref name="FetchedOnUse"/>: a run gets it itself when it is absent, so its
/// absence does not stop a tier.
/// </summary>
public sealed record DataNeed(string Name, string Where, Func<bool> IsPresent, string HowToGet, bool FetchedOnUse = false);
