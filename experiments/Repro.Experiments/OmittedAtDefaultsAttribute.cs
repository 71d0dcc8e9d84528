namespace Repro.Experiments;

/// <summary>
/// A group of settings written into a cell's configuration only where it differs from its
/// defaults (a new instance of its type): settings added after records and goldens were made leave
/// the configurations, and so the hashes, of every run that does not use them as they were.
/// `--set` still sees the group's fields (Experiment applies overrides to the whole settings).
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class OmittedAtDefaultsAttribute : Attribute;
