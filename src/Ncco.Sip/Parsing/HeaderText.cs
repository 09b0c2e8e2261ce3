using Ncco.Sip.Messages;

namespace Ncco.Sip.Parsing;

/// <summary>Small lexical helpers shared by the header parsers: list splitting, header parameters, tokens.</summary>
internal static class HeaderText
{
    /// <summary>Splits at commas that are outside quoted strings and angle brackets.</summary>
    public static List<string> SplitList(string value, string header)
    {
        var parts = new List<string>(1);
        var inQuotes = false;
        var angle = 0;
        var start = 0;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (inQuotes)
            {
                if (c == '\\')
                {
                    i++;
                }
                else if (c == '"')
                {
                    inQuotes = false;
                }
            }
            else if (c == '"')
            {
                inQuotes = true;
            }
            else if (c == '<')
            {
                angle++;
            }
            else if (c == '>')
            {
                angle--;
            }
            else if (c == ',' && angle == 0)
            {
                parts.Add(value[start..i].Trim());
                start = i + 1;
            }
        }
        if (inQuotes)
        {
            throw new SipParseException("unterminated quoted string", header);
        }
        if (angle != 0)
        {
            throw new SipParseException("unbalanced '<' and '>'", header);
        }
        parts.Add(value[start..].Trim());
        foreach (var part in parts)
        {
            if (part.Length == 0)
            {
                throw new SipParseException("empty element in a comma-separated list", header);
            }
        }
        return parts;
    }

    /// <summary>Reads <c>;name=value</c> header parameters (values may be quoted strings, kept quoted).</summary>
    public static SipParameters ReadParameters(string text, string header) => ReadParameters(text, 0, header);

    /// <summary>Reads <c>;name=value</c> header parameters from <paramref name="text"/> at <paramref name="start"/> on.</summary>
    /// <remarks>
    /// Read in place (no substring of the rest) into one array sized by the semicolons, which bound the count: no list
    /// and no copy per address or Via (issue 19).
    /// </remarks>
    public static SipParameters ReadParameters(string text, int start, string header)
    {
        var rest = text.AsSpan(start);
        if (rest.Trim(" \t").IsEmpty)
        {
            // Most addresses and Vias end without parameters or with a tag only; nothing to build for the former.
            return SipParameters.Empty;
        }
        var items = new KeyValuePair<string, string?>[Math.Max(1, rest.Count(';'))];
        var count = 0;
        var i = start;
        while (i < text.Length)
        {
            SkipSpace(text, ref i);
            if (i >= text.Length)
            {
                break;
            }
            if (text[i] != ';')
            {
                throw new SipParseException($"expected ';' before a parameter, found '{Safe(text[i])}'", header);
            }
            i++;
            SkipSpace(text, ref i);
            var name = ReadToken(text, ref i);
            if (name.Length == 0)
            {
                throw new SipParseException("parameter has no name", header);
            }
            SkipSpace(text, ref i);
            string? value = null;
            if (i < text.Length && text[i] == '=')
            {
                i++;
                SkipSpace(text, ref i);
                if (i < text.Length && text[i] == '"')
                {
                    var from = i;
                    SkipQuoted(text, ref i, header);
                    value = text[from..i];
                }
                else if (i < text.Length && text[i] == '[')
                {
                    var close = text.IndexOf(']', i);
                    if (close < 0)
                    {
                        throw new SipParseException("parameter value is missing ']'", header);
                    }
                    value = text[i..(close + 1)];
                    i = close + 1;
                }
                else
                {
                    value = ReadToken(text, ref i);
                    if (value.Length == 0)
                    {
                        throw new SipParseException($"parameter '{name}' has an empty value", header);
                    }
                }
            }
            // Only a ';' read above starts a parameter, so the count never passes the semicolons counted.
            items[count++] = new(name, value);
        }
        if (count < items.Length)
        {
            Array.Resize(ref items, count);
        }
        return new SipParameters(items, owned: true);
    }

    /// <summary>Reads an RFC 3261 token (alphanumerics and <c>-.!%*_+`'~</c>); may return empty.</summary>
    public static string ReadToken(string text, ref int i)
    {
        var start = i;
        while (i < text.Length && IsTokenChar(text[i]))
        {
            i++;
        }
        return i == start ? "" : text[start..i];
    }

    /// <summary>True for the characters a token may contain.</summary>
    public static bool IsTokenChar(char c) =>
        char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '!' or '%' or '*' or '_' or '+' or '`' or '\'' or '~';

    /// <summary>True when the whole text is a non-empty token.</summary>
    public static bool IsToken(string text) => IsToken(text.AsSpan());

    /// <summary>True when the whole text is a non-empty token.</summary>
    public static bool IsToken(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
        {
            return false;
        }
        foreach (var c in text)
        {
            if (!IsTokenChar(c))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Advances past a quoted string starting at <paramref name="i"/> (which must be on the opening quote).</summary>
    public static string ReadQuoted(string text, ref int i, string header)
    {
        var builder = new System.Text.StringBuilder();
        i++;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '\\')
            {
                if (i + 1 >= text.Length)
                {
                    break;
                }
                builder.Append(text[i + 1]);
                i += 2;
                continue;
            }
            if (c == '"')
            {
                i++;
                return builder.ToString();
            }
            builder.Append(c);
            i++;
        }
        throw new SipParseException("unterminated quoted string", header);
    }

    /// <summary>Advances past a quoted string like <see cref="ReadQuoted"/>, without building its unescaped text.</summary>
    public static void SkipQuoted(string text, ref int i, string header)
    {
        i++;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '\\')
            {
                if (i + 1 >= text.Length)
                {
                    break;
                }
                i += 2;
                continue;
            }
            i++;
            if (c == '"')
            {
                return;
            }
        }
        throw new SipParseException("unterminated quoted string", header);
    }

    /// <summary>Skips spaces and tabs.</summary>
    public static void SkipSpace(string text, ref int i)
    {
        while (i < text.Length && text[i] is ' ' or '\t')
        {
            i++;
        }
    }

    /// <summary>A character safe to echo in an error message.</summary>
    public static string Safe(char c) => c < 0x20 || c == 0x7f ? $"\\x{(int)c:x2}" : c.ToString();
}
