using Repro.Data.Tests.Sets;

namespace Repro.Data.Tests.Text;

public class CsvTests
{
    static IReadOnlyList<string>[] Fields(string text) => Csv.Parse(text, "t.csv").Select(r => r.Fields).ToArray();

    [Test]
    public void QuotedFieldsHoldCommasNewlinesAndDoubledQuotes()
    {
        var records = Csv.Parse("\"1\",\"a, b\"\r\n\"-1\",\"say \"\"hi\"\"\nthen\r\nleave\"\r\nplain,\"\"\r\n", "t.csv");
        Assert.That(records.Select(r => r.Fields), Is.EqualTo(new[]
        {
            new[] { "1", "a, b" },
            new[] { "-1", "say \"hi\"\nthen\r\nleave" },  // line breaks inside quotes are kept as written
            new[] { "plain", "" },
        }));
        Assert.That(records.Select(r => r.Line), Is.EqualTo(new[] { 1, 2, 5 }), "each record's first line, counting breaks inside quotes");
    }

    [Test]
    public void ByteOrderMarkIsDroppedAndLineEndingsAreCrlfLfOrCr()
    {
        Assert.That(Fields("\uFEFFa,b\nc,d"), Is.EqualTo(new[] { new[] { "a", "b" }, new[] { "c", "d" } }));
        Assert.That(Fields("a,b\r\nc,d\r\n"), Is.EqualTo(new[] { new[] { "a", "b" }, new[] { "c", "d" } }));
        Assert.That(Fields("a\rb"), Is.EqualTo(new[] { new[] { "a" }, new[] { "b" } }));
    }

    [Test]
    public void EmptyFieldsAndEmptyLinesAreKeptNotSkipped()
    {
        Assert.That(Fields(",a,"), Is.EqualTo(new[] { new[] { "", "a", "" } }));
        Assert.That(Fields("a\n\nb\n"), Is.EqualTo(new[] { new[] { "a" }, new[] { "" }, new[] { "b" } }));
        Assert.That(Fields(" a , b "), Is.EqualTo(new[] { new[] { " a ", " b " } }), "fields are not trimmed");
        Assert.That(Fields(""), Is.Empty);
        Assert.That(Fields("\uFEFF"), Is.Empty);
    }

    [Test]
    public void AnUnterminatedQuoteNamesTheFileAndTheLineWhereTheRecordStarts()
    {
        using var dir = new TempFolder();
        File.WriteAllText(dir.File("u.csv"), "\"1\",\"fine\"\r\n\"-1\",\"never\nclosed, and more\n");
        var e = Assert.Throws<DataFormatException>(() => Csv.ReadFile(dir.File("u.csv")));
        Assert.That(e!.Message, Does.StartWith(dir.File("u.csv") + ": record starting at line 2")
            .And.Contains("never closed"));
    }

    [Test]
    public void AStrayQuoteOrTextAfterAClosingQuoteIsAnError()
    {
        var stray = Assert.Throws<DataFormatException>(() => Csv.Parse("a,b\nc,d\"e\n", "s.csv"));
        Assert.That(stray!.Message, Does.StartWith("s.csv: record starting at line 2").And.Contains("quote inside unquoted field 2"));
        var after = Assert.Throws<DataFormatException>(() => Csv.Parse("\"a\"b,c\n", "s.csv"));
        Assert.That(after!.Message, Does.StartWith("s.csv: record starting at line 1").And.Contains("after the closing quote of field 1"));
    }

    [Test]
    public void BytesThatAreNotUtf8AreAnError()
    {
        using var dir = new TempFolder();
        File.WriteAllBytes(dir.File("b.csv"), [(byte)'a', (byte)',', 0xFF, (byte)'\n']);
        var e = Assert.Throws<DataFormatException>(() => Csv.ReadFile(dir.File("b.csv")));
        Assert.That(e!.Message, Does.StartWith(dir.File("b.csv")).And.Contains("not UTF-8"));
    }
}
