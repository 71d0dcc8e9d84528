namespace Repro.Fuzz.Tests;

/// <summary>
/// Every reader of outside bytes, fed mutated valid files: each input must be read, or rejected
/// with the reader's own exception naming the file. Anything else (another exception, a message
/// without the file, a crash of the test process) fails, and the input is kept for reproduction.
/// REPRO_FUZZ_INPUTS and REPRO_FUZZ_SEED run a longer or a different campaign.
/// </summary>
[Category("Fuzz")]
public class FuzzTests
{
    public static IEnumerable<TestCaseData> Formats =>
        FuzzFormats.All.Select(f => new TestCaseData(f).SetArgDisplayNames(f.Name));

    [TestCaseSource(nameof(Formats))]
    public void Every_input_is_read_or_rejected_naming_the_file(FuzzFormat format)
    {
        string work = Path.Combine(Path.GetTempPath(), $"repro-fuzz-{Guid.NewGuid():N}");
        string keep = Path.Combine(TestContext.CurrentContext.WorkDirectory, "fuzz-failures");
        try
        {
            var counts = FuzzCampaign.Run(format, FuzzCampaign.Inputs, FuzzCampaign.Seed, work, keep);
            TestContext.Progress.WriteLine($"fuzz (seed {FuzzCampaign.Seed}) {counts}");
            Assert.That(counts.Failures, Is.Empty, $"{counts}; the first failures:\n{string.Join("\n", counts.Failures.Take(10))}");
            // A campaign whose every input is rejected for one early reason tests nothing past it.
            Assert.That(counts.Rejected, Is.GreaterThan(counts.Tried / 20), $"{counts}: too few inputs rejected");
        }
        finally
        {
            if (Directory.Exists(work)) Directory.Delete(work, recursive: true);
        }
    }

    [Test]
    public void The_same_seed_gives_the_same_inputs_so_a_kept_input_number_reproduces()
    {
        byte[][] seeds = [[1, 2, 3, 4, 5, 6, 7, 8], [9, 10, 11]];
        var (a, b) = (new Mutator(5, seeds, [[0xff]]), new Mutator(5, seeds, [[0xff]]));
        var first = Enumerable.Range(0, 200).Select(_ => a.Next()).ToList();
        Assert.That(Enumerable.Range(0, 200).Select(_ => b.Next()), Is.EqualTo(first));
        Assert.That(first.Count(m => !seeds.Any(s => s.SequenceEqual(m.bytes))), Is.GreaterThan(150), "most inputs differ from their seed");
    }

    [Test]
    public void A_packed_tree_unpacks_to_its_files_binary_contents_included()
    {
        string folder = Path.Combine(Path.GetTempPath(), $"repro-tree-{Guid.NewGuid():N}");
        try
        {
            byte[] binary = [0, 1, 2, 3, 0xff, 0];
            FileTree.Unpack(FileTree.Pack([("a/b.bin", binary), ("c.txt", "x"u8.ToArray())]), folder);
            Assert.That(File.ReadAllBytes(Path.Combine(folder, "a", "b.bin")), Is.EqualTo(binary));
            Assert.That(File.ReadAllText(Path.Combine(folder, "c.txt")), Is.EqualTo("x"));
        }
        finally { if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true); }
    }
}
