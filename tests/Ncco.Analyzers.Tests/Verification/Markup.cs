using System.Text;
using Microsoft.CodeAnalysis.Text;

namespace Ncco.Analyzers.Tests.Verification;

/// <summary>An expected diagnostic: an id (null for the test's default id) at a span of the clean source.</summary>
public sealed record ExpectedSpan(string? Id, TextSpan Span);

/// <summary>
/// Test source markup, as in Roslyn's testing library: <c>[|text|]</c> expects a diagnostic with the test's
/// default id on <c>text</c>, <c>{|NCCO004:text|}</c> one with that id. Markers nest.
/// </summary>
public static class Markup
{
    public static (string Source, List<ExpectedSpan> Spans) Parse(string markup)
    {
        var source = new StringBuilder(markup.Length);
        var spans = new List<ExpectedSpan>();
        var open = new Stack<(string? Id, int Start, char Close)>();
        for (var i = 0; i < markup.Length; i++)
        {
            if (Starts(markup, i, "[|"))
            {
                open.Push((null, source.Length, ']'));
                i++;
                continue;
            }
            if (Starts(markup, i, "{|"))
            {
                var colon = markup.IndexOf(':', i + 2);
                var id = markup.Substring(i + 2, colon - i - 2);
                if (id.Length > 0 && id.All(char.IsLetterOrDigit))
                {
                    open.Push((id, source.Length, '}'));
                    i = colon;
                    continue;
                }
            }
            if (open.Count > 0 && markup[i] == '|' && i + 1 < markup.Length && markup[i + 1] == open.Peek().Close)
            {
                var (id, start, _) = open.Pop();
                spans.Add(new ExpectedSpan(id, TextSpan.FromBounds(start, source.Length)));
                i++;
                continue;
            }
            source.Append(markup[i]);
        }
        if (open.Count > 0) throw new InvalidOperationException("unclosed markup span");
        return (source.ToString(), spans);
    }

    private static bool Starts(string text, int index, string value) =>
        string.CompareOrdinal(text, index, value, 0, value.Length) == 0;
}
