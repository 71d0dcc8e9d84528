namespace Repro.Data.Tests.Text;

public class TokenizerTests
{
    [TestCase("I didn't like it.<br /><br />Great!", new[] { "i", "didn't", "like", "it", "great" })]
    [TestCase("one<br/>two<BR>three<br  />four", new[] { "one", "two", "three", "four" })]
    [TestCase("A 12-part series, the director's cut (1999)", new[] { "a", "12", "part", "series", "the", "director's", "cut", "1999" })]
    [TestCase("'quoted' words and the '80s, students' rock'n'roll", new[] { "quoted", "words", "and", "the", "80s", "students", "rock'n'roll" })]
    [TestCase("don\u2019t", new[] { "don't" })]
    [TestCase("Café NAÏVE", new[] { "café", "naïve" })]
    [TestCase("snake_case e-mail ... !!! '' ", new[] { "snake", "case", "e", "mail" })]
    [TestCase("", new string[0])]
    public void SplitsIntoLowerCaseWordsKeepingInnerApostrophes(string text, string[] tokens) =>
        Assert.That(Tokenizer.Tokenize(text), Is.EqualTo(tokens));
}
