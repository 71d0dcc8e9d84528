using System.Text.RegularExpressions;

namespace Repro.Data;

/// <summary>
/// Splits review text into words. The rule, exactly:
/// <list type="number">
/// <item>HTML line breaks (<c>&lt;br /&gt;</c>, <c>&lt;br/&gt;</c>, <c>&lt;br&gt;</c>, any case, any
/// spaces before the slash) become a space: IMDB reviews hold them between paragraphs, and
/// "br" would otherwise be a frequent word.</item>
/// <item>The text is lower-cased (invariant culture, so the result does not depend on the machine).</item>
/// <item>A token is a run of letters, combining marks and digits (Unicode categories L, M, N),
/// possibly joined by single apostrophes (' or ’) inside it: "don't" and "director's" stay one
/// token, and ’ is written as '. An apostrophe at either end of a word (quoting with single
/// quotes, "'80s", "students'") is dropped.</item>
/// <item>Every other character separates tokens: spaces, punctuation, hyphens ("12-part" is "12",
/// "part"), underscores, symbols.</item>
/// </list>
/// </summary>
public static partial class Tokenizer
{
    public static string[] Tokenize(string text)
    {
        string lower = LineBreak().Replace(text, " ").ToLowerInvariant();
        var matches = Word().Matches(lower);
        var tokens = new string[matches.Count];
        for (int i = 0; i < tokens.Length; i++) tokens[i] = matches[i].Value.Replace('\u2019', '\'');
        return tokens;
    }

    [GeneratedRegex(@"<br\s*/?>", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex LineBreak();

    [GeneratedRegex(@"[\p{L}\p{M}\p{N}]+(?:['\u2019][\p{L}\p{M}\p{N}]+)*", RegexOptions.CultureInvariant)]
    private static partial Regex Word();
}
