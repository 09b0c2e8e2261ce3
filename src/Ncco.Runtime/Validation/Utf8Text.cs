using System.Text;
using System.Text.Unicode;
using Ncco.Rules;

namespace Ncco.Validation;

/// <summary>
/// Unicode well-formedness of raw JSON text. System.Text.Json's tokenizer does not check the contents of strings, and
/// its decoders throw on bad bytes or an escaped unpaired surrogate; these checks find them first.
/// </summary>
internal static class Utf8Text
{
    /// <summary>
    /// Whether every string and member name of a JSON document is valid Unicode: the bytes are valid UTF-8 and no
    /// <c>\u</c> escape can be an unpaired surrogate. Conservative: a surrogate escape anywhere says no, and the
    /// checker then checks string by string.
    /// </summary>
    public static bool IsWellFormedDocument(ReadOnlySpan<byte> json) => Utf8.IsValid(json) && !MayHoldSurrogateEscape(json);

    /// <summary>Whether the JSON text has a <c>\uD800</c>–<c>\uDFFF</c> escape (conservatively: an escaped backslash before "ud8" counts too).</summary>
    public static bool MayHoldSurrogateEscape(ReadOnlySpan<byte> json)
    {
        var at = json.IndexOf("\\u"u8);
        while (at >= 0)
        {
            var rest = json[(at + 2)..];
            if (rest.Length >= 2 && (rest[0] | 0x20) == 'd' && rest[1] is >= (byte)'8' and <= (byte)'9' or >= (byte)'a' and <= (byte)'f' or >= (byte)'A' and <= (byte)'F') return true;
            var next = rest.IndexOf("\\u"u8);
            at = next < 0 ? -1 : at + 2 + next;
        }
        return false;
    }

    /// <summary>Whether the raw JSON text of one string or member name (quotes excluded, escapes as written) is valid Unicode.</summary>
    public static bool IsWellFormed(ReadOnlySpan<byte> raw)
    {
        if (!Utf8.IsValid(raw)) return false;
        var escape = raw.IndexOf((byte)'\\');
        if (escape < 0) return true;

        var pendingHigh = false;
        for (var i = escape; i < raw.Length; i++)
        {
            if (raw[i] != '\\')
            {
                if (pendingHigh) return false;
                continue;
            }
            if (i + 1 < raw.Length && raw[i + 1] == 'u' && i + 5 < raw.Length && TryHex(raw.Slice(i + 2, 4), out var unit))
            {
                var high = unit is >= 0xD800 and <= 0xDBFF;
                var low = unit is >= 0xDC00 and <= 0xDFFF;
                if (pendingHigh != low) return false; // a high surrogate not followed by a low one, or a low one alone
                pendingHigh = high;
                i += 5;
                continue;
            }
            if (pendingHigh) return false;
            i++; // a two-character escape (\" \\ \n …)
        }
        return !pendingHigh;
    }

    /// <summary>
    /// Raw JSON text (escapes as written) decoded for messages and pointers as the analyzers see the same text: escapes
    /// unescaped, and invalid bytes and unpaired surrogates shown as U+FFFD.
    /// </summary>
    public static string Display(ReadOnlySpan<byte> raw)
    {
        var text = new StringBuilder(raw.Length);
        while (!raw.IsEmpty)
        {
            var escape = raw.IndexOf((byte)'\\');
            var run = escape < 0 ? raw : raw[..escape];
            text.Append(Encoding.UTF8.GetString(run));
            if (escape < 0) break;
            raw = raw[escape..];
            if (raw.Length >= 6 && raw[1] == 'u' && TryHex(raw.Slice(2, 4), out var unit))
            {
                text.Append((char)unit);
                raw = raw[6..];
                continue;
            }
            text.Append(raw.Length < 2 ? '\\' : raw[1] switch
            {
                (byte)'b' => '\b',
                (byte)'f' => '\f',
                (byte)'n' => '\n',
                (byte)'r' => '\r',
                (byte)'t' => '\t',
                var other => (char)other,
            });
            raw = raw[Math.Min(2, raw.Length)..];
        }
        return Utf16Text.Replaced(text.ToString());
    }

    private static bool TryHex(ReadOnlySpan<byte> digits, out int value)
    {
        value = 0;
        foreach (var b in digits)
        {
            var digit = b switch
            {
                >= (byte)'0' and <= (byte)'9' => b - '0',
                >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
                >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
                _ => -1,
            };
            if (digit < 0) return false;
            value = value * 16 + digit;
        }
        return true;
    }
}
