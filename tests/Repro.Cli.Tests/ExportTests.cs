using Parquet;
using Repro.Harness;

using Repro.Training;

namespace Repro.Cli.Tests;

/// <summary>`repro export`: one row per record, nothing dropped (failed, diverged and unreadable
/// cells included), the same table as CSV and as Parquet.</summary>
public class ExportTests
{
    static readonly Grid Grid = new()
    {
        Betas = [0.1, 1],
        LearningRates = LearningRates.EtaTilde(0.03, 0.1),
        LogitScales = [1.0, 10],
        Extra = [new Axis("bn", true, false)],
    };

    static void WriteResults(string root)
    {
        var store = new ResultStore(root);
        foreach (var cell in Grid.Cells())
        {
            var status = cell.Beta == 0.1 && cell.EtaTilde == 0.1 ? RunStatus.Diverged : cell.Beta == 1 && cell.LogitScale == 10 && !cell.Get<bool>("bn") && cell.EtaTilde == 0.03 ? RunStatus.Failed : RunStatus.Complete;
            store.Write(Records.Of("demo", Tier.Short, cell, status, r =>
            {
                if (status != RunStatus.Complete) return;
                r.Scalars["final_test_accuracy"] = 0.5 + cell.Beta / 10;
                r.Scalars["t_learn"] = double.NaN;
                r.Curves["val_accuracy"] = new Dynamics.Curve { Steps = [0, 50], Values = [0.1, 0.6] };
                r.Notes["ntk"] = "16 examples, batch norm at the probe batch's statistics";
            }));
        }
        File.WriteAllText(store.PathFor("demo", Tier.Short, "beta=1_etat=0.1_z0=10_bn=true_seed=9"), "{ not a record");
    }

    static List<string[]> ReadCsv(string path)
    {
        // Enough of RFC 4180 for this table: quoted fields may hold commas and doubled quotes.
        var rows = new List<string[]>();
        foreach (string line in File.ReadAllLines(path))
        {
            var fields = new List<string>();
            var field = new System.Text.StringBuilder();
            bool quoted = false;
            for (int i = 0; i < line.Length; i++)
            {
                char c = line[i];
                if (quoted && c == '"' && i + 1 < line.Length && line[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') quoted = !quoted;
                else if (c == ',' && !quoted) { fields.Add(field.ToString()); field.Clear(); }
                else field.Append(c);
            }
            fields.Add(field.ToString());
            rows.Add([.. fields]);
        }
        return rows;
    }

    [Test]
    public async Task EveryRecordIsOneRowWithItsAxesSettingsScalarsAndStatus()
    {
        using var dir = new TempDirectory();
        WriteResults(dir["results"]);
        var result = Cli.Run([], "export", dir["results"], "--out", dir["table.csv"]);
        Assert.That(result.ExitCode, Is.EqualTo(0), result.ToString());
        Assert.That(result.Out, Does.Contain($"{Grid.Cells().Count + 1} rows").And.Contain("1 unreadable"));

        var rows = ReadCsv(dir["table.csv"]);
        var header = rows[0];
        int Col(string name) => Array.IndexOf(header, name) is >= 0 and var i ? i : throw new AssertionException($"no column {name} in {string.Join(",", header)}");
        Assert.That(rows, Has.Count.EqualTo(Grid.Cells().Count + 2), "a header and one row per record file");
        Assert.That(rows.Skip(1).Select(r => r.Length), Is.All.EqualTo(header.Length), "every row has every column");
        var byCell = rows.Skip(1).ToDictionary(r => r[Col("cell")]);
        var sample = byCell["beta=1_etat=0.03_z0=1_bn=true_seed=0"];
        Assert.That(sample[Col("status")], Is.EqualTo("complete"));
        Assert.That(sample[Col("cell.beta")], Is.EqualTo("1"));
        Assert.That(sample[Col("cell.etaTilde")], Is.EqualTo("0.03"));
        Assert.That(sample[Col("cell.bn")], Is.EqualTo("true"));
        Assert.That(sample[Col("settings.steps")], Is.EqualTo("50"));
        Assert.That(sample[Col("scalar.final_test_accuracy")], Is.EqualTo("0.6"));
        Assert.That(sample[Col("scalar.t_learn")], Is.EqualTo("NaN"));
        Assert.That(sample[Col("last.val_accuracy")], Is.EqualTo("0.6"));
        Assert.That(sample[Col("note.ntk")], Does.Contain("batch norm"), "a note with a comma is quoted and read back whole");
        Assert.That(byCell["beta=0.1_etat=0.1_z0=1_bn=true_seed=0"][Col("status")], Is.EqualTo("diverged"));
        Assert.That(byCell["beta=0.1_etat=0.1_z0=1_bn=true_seed=0"][Col("divergence_step")], Is.EqualTo("17"));
        Assert.That(byCell["beta=0.1_etat=0.1_z0=1_bn=true_seed=0"][Col("scalar.final_test_accuracy")], Is.Empty, "a missing value is empty");
        Assert.That(byCell["beta=1_etat=0.03_z0=10_bn=false_seed=0"][Col("error")], Does.Contain("out of memory on purpose"));
        Assert.That(byCell["beta=1_etat=0.1_z0=10_bn=true_seed=9"][Col("status")], Is.EqualTo("unreadable"));

        // Parquet: the same rows and columns, numbers as numbers.
        var parquet = Cli.Run([], "export", dir["results"], "--out", dir["table.parquet"]);
        Assert.That(parquet.ExitCode, Is.EqualTo(0), parquet.ToString());
        await using var stream = File.OpenRead(dir["table.parquet"]);
        await using var reader = await ParquetReader.CreateAsync(stream);
        var fields = reader.Schema.GetDataFields();
        Assert.That(fields.Select(f => f.Name), Is.EqualTo(header));
        Assert.That(reader.RowGroupCount, Is.EqualTo(1));
        var group = reader.OpenRowGroupReader(0);
        Assert.That(group.RowCount, Is.EqualTo(Grid.Cells().Count + 1));
        var betas = new double?[group.RowCount];
        await group.ReadAsync<double>(fields.Single(f => f.Name == "cell.beta"), betas.AsMemory());
        var statuses = new string?[group.RowCount];
        await group.ReadAsync(fields.Single(f => f.Name == "status"), statuses.AsMemory());
        for (int i = 1; i < rows.Count; i++)
        {
            Assert.That(statuses[i - 1], Is.EqualTo(rows[i][Col("status")]), $"row {i}: status");
            Assert.That(betas[i - 1]?.ToString("R", System.Globalization.CultureInfo.InvariantCulture) ?? "", Is.EqualTo(rows[i][Col("cell.beta")]), $"row {i}: beta as a number");
        }
    }

    [Test]
    public void BadArgumentsSayWhatIsWrong()
    {
        using var dir = new TempDirectory();
        WriteResults(dir["results"]);
        var format = Cli.Run([], "export", dir["results"], "--out", dir["table.xlsx"]);
        Assert.That(format.ExitCode, Is.EqualTo(2));
        Assert.That(format.Error, Does.Contain("--out").And.Contain(".csv or .parquet"));
        var missing = Cli.Run([], "export", dir["nowhere"], "--out", dir["table.csv"]);
        Assert.That(missing.ExitCode, Is.EqualTo(2));
        Assert.That(missing.Error, Does.Contain("does not exist"));
        Assert.That(File.Exists(dir["table.csv"]), Is.False, "nothing is written on an error");
    }
}
