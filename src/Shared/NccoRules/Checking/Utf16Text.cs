namespace Ncco.Rules;

/// <summary>Unicode well-formedness of .NET strings (UTF-16).</summary>
internal static class Utf16Text
{
    /// <summary>Whether <paramref name="text"/> has no unpaired surrogate (a <c>"\ud800"</c> escape decodes to one).</summary>
    public static bool IsWellFormed(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c < '\uD800' || c > '\uDFFF') continue;
            if (c <= '\uDBFF' && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }
            return false;
        }
        return true;
    }

    /// <summary>The text with each unpaired surrogate replaced by U+FFFD, as UTF-8 decoders show bad bytes.</summary>
    public static string Replaced(string text)
    {
        if (IsWellFormed(text)) return text;
        var chars = text.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            var c = chars[i];
            if (c < '\uD800' || c > '\uDFFF') continue;
            if (c <= '\uDBFF' && i + 1 < chars.Length && char.IsLowSurrogate(chars[i + 1]))
            {
                i++;
                continue;
            }
            chars[i] = '\uFFFD';
        }
        return new string(chars);
    }
}
