using System.Text.RegularExpressions;

namespace Repro.Harness.Tests;

/// <summary>The README's flow diagram (Layout) names the file of each hop and the members called
/// there: every file and folder it names exists, every `Type.Member` it names is declared or called in Type's file (a method, or a property), so
/// that the diagram cannot drift from the code without failing here.</summary>
public sealed partial class ReadmeFlowTests
{
    [Test]
    public void EveryHopOfTheFlowDiagramIsInTheCode()
    {
        string root = ReproPaths.Root;
        string readme = File.ReadAllText(Path.Combine(root, "README.md"));
        var block = Block().Match(readme);
        Assert.That(block.Success, "README.md has a `<!-- flow -->` text block");
        var sources = Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
            .Where(p => !p.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !p.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
            .ToLookup(p => Path.GetFileNameWithoutExtension(p));

        int hops = 0, members = 0;
        var problems = new List<string>();
        foreach (string line in block.Groups[1].Value.Split('\n'))
        {
            string? file = null;
            foreach (Match path in RepoPath().Matches(line))
            {
                string full = Path.Combine(root, path.Value);
                if (path.Value.EndsWith(".cs")) { file ??= full; hops++; if (!File.Exists(full)) problems.Add($"{path.Value}: no such file"); }
                else if (!Directory.Exists(full)) problems.Add($"{path.Value}: no such folder");
            }
            foreach (Match name in FileName().Matches(line))
                if (file is null || !File.Exists(Path.Combine(Path.GetDirectoryName(file)!, name.Value)))
                    problems.Add($"{name.Value}: not beside {file ?? "the hop's file"}");
            foreach (Match m in Member().Matches(line))
            {
                var (type, member) = (m.Groups[1].Value, m.Groups[2].Value);
                members++;
                if (!sources.Contains(type)) { problems.Add($"{type}.{member}: no {type}.cs"); continue; }
                if (!sources[type].Any(p => Regex.IsMatch(Code(p), $@"\b{member}\s*(\(|<|\{{|=>)")))
                    problems.Add($"{type}.{member}: {type}.cs has no {member}");
            }
        }
        Assert.That(problems, Is.Empty);
        Assert.That((hops, members), Is.GreaterThanOrEqualTo((8, 8)), "the diagram names the hops and their members");
    }

    /// <summary>A source file without its comments (which name members in prose).</summary>
    static string Code(string path) => Regex.Replace(File.ReadAllText(path), @"//.*$", "", RegexOptions.Multiline);

    [GeneratedRegex(@"<!-- flow -->\s*```text\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex Block();

    // A path inside the checkout: src/, harness/, experiments/ or tests/, without placeholders.
    [GeneratedRegex(@"(?<![\w/])(?:src|harness|experiments|tests)/[\w./]+\w")]
    private static partial Regex RepoPath();

    // A file mentioned by name alone (Cell.cs), beside the hop's file.
    [GeneratedRegex(@"(?<![\w/.])[A-Z]\w*\.cs\b")]
    private static partial Regex FileName();

    // Type.Member (CellRunner.Run), not part of a path or a file name.
    [GeneratedRegex(@"(?<![\w/.])([A-Z]\w*)\.([A-Z]\w*)\b(?!\.cs)")]
    private static partial Regex Member();
}
