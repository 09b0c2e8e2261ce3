using System.Globalization;
using System.Text;

namespace Ncco.Media.Asr;

/// <summary>
/// Turns <c>context</c> hint phrases into a JSGF grammar for pocketsphinx: the utterance is one or more of the
/// phrases. Text is lower-cased, punctuation dropped, digits spelled as words ("2" → "two"); phrases containing a word
/// missing from the pronunciation dictionary are dropped (the result lists them).
/// </summary>
public static class HintGrammar
{
    private static readonly string[] DigitWords = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"];

    /// <summary>Normalises one phrase into dictionary-style words.</summary>
    public static IReadOnlyList<string> Words(string phrase)
    {
        ArgumentNullException.ThrowIfNull(phrase);
        var words = new List<string>();
        var sb = new StringBuilder();
        void Flush()
        {
            if (sb.Length > 0)
            {
                words.Add(sb.ToString());
                sb.Clear();
            }
        }
        foreach (var ch in phrase.ToLower(CultureInfo.InvariantCulture))
        {
            if (char.IsAsciiDigit(ch))
            {
                Flush();
                words.Add(DigitWords[ch - '0']);
            }
            else if (char.IsLetter(ch) || ch == '\'')
            {
                sb.Append(ch);
            }
            else
            {
                Flush();
            }
        }
        Flush();
        return words;
    }

    /// <summary>Builds the grammar; returns null when no phrase is usable.</summary>
    /// <param name="context">Hint phrases.</param>
    /// <param name="isKnownWord">Dictionary lookup.</param>
    /// <param name="dropped">Phrases that could not be used.</param>
    public static string? Build(IEnumerable<string> context, Func<string, bool> isKnownWord, out IReadOnlyList<string> dropped)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(isKnownWord);
        var phrases = new SortedSet<string>(StringComparer.Ordinal);
        var skipped = new List<string>();
        foreach (var hint in context)
        {
            var words = Words(hint);
            if (words.Count == 0 || !words.All(isKnownWord))
            {
                skipped.Add(hint);
                continue;
            }
            phrases.Add(string.Join(' ', words));
        }
        dropped = skipped;
        if (phrases.Count == 0)
        {
            return null;
        }
        return "#JSGF V1.0;\ngrammar hints;\npublic <utterance> = <phrase>+;\n<phrase> = " + string.Join(" | ", phrases) + ";\n";
    }
}
