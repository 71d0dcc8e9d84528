using Repro.Harness;

namespace Repro.Experiments;

/// <summary>Every experiment, by its command-line name.</summary>
public static class Catalog
{
    public static IReadOnlyList<IExperiment> All { get; } = [new LogregSynthetic(), new TheoryChecks(), new WrnCifar10(), new ResNet50ImageNet(), new GruImdb()];

    public static IExperiment Find(string name) =>
        All.FirstOrDefault(e => e.Name == name)
        ?? throw new ArgumentException($"unknown experiment '{name}' (known: {string.Join(", ", All.Select(e => e.Name))})");
}
