using System.Globalization;
using System.Numerics;
using System.Text;
using Ncco.Rules;

namespace Ncco.Schema;

/// <summary>
/// Builds ECMAScript regular expressions (valid with the <c>u</c> flag, as JSON Schema validators use them) that
/// accept exactly the strings <see cref="FormatChecks"/> and the lenient number readers accept.
/// </summary>
internal static class SchemaPatterns
{
    /// <summary>Characters <see cref="char.IsWhiteSpace(char)"/> accepts, which <c>string.TrimStart()</c> removes.</summary>
    private const string DotNetWhiteSpace = @"[\t-\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]";

    /// <summary>One SSML tag as the talk-length count sees it: from <c>&lt;</c> to the next <c>&gt;</c> or the end.</summary>
    private const string SsmlTag = "<[^>]*(?:>|$)";

    /// <summary>Text that starts (after white space) with <c>&lt;speak</c>: SSML, whose tags do not count.</summary>
    public static string SsmlStart => "^" + DotNetWhiteSpace + "*<speak";

    /// <summary>At most <paramref name="max"/> characters outside SSML tags.</summary>
    public static string VisibleTextAtMost(int max) =>
        "^(?:" + SsmlTag + ")*(?:[^<](?:" + SsmlTag + ")*){0," + max.ToString(CultureInfo.InvariantCulture) + "}$";

    /// <summary>The pattern of a <see cref="ValueFormat"/>, or null when it has none (or needs more than a pattern).</summary>
    public static string? For(ValueFormat format) => format switch
    {
        ValueFormat.HttpUrl => Url("http"),
        ValueFormat.WebSocketUri => Url("ws"),
        ValueFormat.E164 => "^[0-9]{7,15}$",
        ValueFormat.SipUri => SipUri(),
        ValueFormat.DtmfDigits => "^[0-9*#p]*$",
        ValueFormat.TtsLanguage => AnyOf(TtsLanguages.Codes),
        ValueFormat.AsrLanguage => AnyOf(AsrLanguages.Codes),
        ValueFormat.VoiceName => AnyOf(LegacyVoiceNames.Names),
        ValueFormat.PrintableAscii => "^[ -~]*$",
        _ => null,
    };

    /// <summary>Any of <paramref name="values"/>, ASCII letters matched case-insensitively.</summary>
    public static string AnyOf(IEnumerable<string> values) =>
        "^(?:" + string.Join("|", values.Select(CaseInsensitive)) + ")$";

    /// <summary>An absolute URL with the scheme or its secure variant (scheme + s), matched case-insensitively.</summary>
    private static string Url(string scheme)
    {
        const string label = @"[A-Za-z0-9_\-\u00A0-\uFFFF]+";
        var host = @"(?:\[[0-9A-Fa-f:.]+\]|" + label + @"(?:\." + label + @")*\.?)";
        return "^" + CaseInsensitive(scheme) + @"[sS]?://(?:[^\s/?#@]*@)?" + host + @"(?::[0-9]{0,5})?(?:[/?#][\s\S]*)?$";
    }

    /// <summary><c>sip:</c>/<c>sips:</c>, optional user part up to the first <c>@</c>, then a non-empty host.</summary>
    private static string SipUri() =>
        "^" + CaseInsensitive("sip") + "[sS]?:(?:[^@]*@|(?=[^@]*$))"
        + @"(?:\[[0-9A-Fa-f.]*:[0-9A-Fa-f:.]*\]|[^;?:>\[ ][^;?:> ]*)(?:[;?:>][\s\S]*)?$";

    private static string CaseInsensitive(string text)
    {
        var builder = new StringBuilder();
        foreach (var c in text)
        {
            if (c is >= 'a' and <= 'z' or >= 'A' and <= 'Z')
            {
                builder.Append('[').Append(char.ToLowerInvariant(c)).Append(char.ToUpperInvariant(c)).Append(']');
            }
            else if (@"\^$.*+?()[]{}|/".Contains(c, StringComparison.Ordinal))
            {
                builder.Append('\\').Append(c);
            }
            else
            {
                builder.Append(c);
            }
        }
        return builder.ToString();
    }

    /// <summary>
    /// Strings <c>long.TryParse</c> (leading sign allowed) reads as a whole number within [min, max].
    /// </summary>
    public static string IntegerString(BigInteger min, BigInteger max)
    {
        var branches = new List<string>();
        var positive = IntegerMagnitude(BigInteger.Max(BigInteger.Zero, min), max);
        if (positive is not null) branches.Add(@"\+?" + positive);
        var negative = IntegerMagnitude(BigInteger.Max(BigInteger.Zero, -max), -min);
        if (negative is not null) branches.Add("-" + negative);
        return "^(?=[+-]?[0-9]+$)(?:" + string.Join("|", branches) + ")$";
    }

    /// <summary>
    /// Strings <c>double.TryParse</c> (leading sign and decimal point allowed) reads as a number within [min, max],
    /// compared as exact decimals.
    /// </summary>
    public static string DecimalString(double min, double max)
    {
        var branches = new List<string>();
        if (max >= 0 && max >= Math.Max(0, min))
        {
            branches.Add(@"\+?(?=" + DecimalAtLeast(Math.Max(0, min)) + "$)" + DecimalAtMost(max));
        }
        if (-min >= 0 && -min >= Math.Max(0, -max))
        {
            branches.Add("-(?=" + DecimalAtLeast(Math.Max(0, -max)) + "$)" + DecimalAtMost(-min));
        }
        return @"^(?=[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)$)(?:" + string.Join("|", branches) + ")$";
    }

    /// <summary>Any string the lenient number reader accepts, without a range.</summary>
    public static string AnyDecimalString => @"^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)$";

    private static string? IntegerMagnitude(BigInteger low, BigInteger high) =>
        low > high ? null : IntegerPart(low, high, allowEmpty: false);

    /// <summary>Digits (leading zeros allowed) whose value is in [low, high] (high null: unbounded).</summary>
    private static string IntegerPart(BigInteger low, BigInteger? high, bool allowEmpty)
    {
        if (low.IsZero)
        {
            if (high is { } h && h.IsZero) return allowEmpty ? "0*" : "0+";
            var rest = CanonicalRange(BigInteger.One, high);
            return allowEmpty ? "0*(?:" + rest + ")?" : "(?:0+|0*(?:" + rest + "))";
        }
        return "0*(?:" + CanonicalRange(low, high) + ")";
    }

    /// <summary>Canonical decimal forms (no leading zeros) of the integers in [low, high]; low ≥ 1.</summary>
    private static string CanonicalRange(BigInteger low, BigInteger? high)
    {
        var parts = new List<string>();
        var from = low;
        while (high is null || from <= high)
        {
            var digits = from.ToString(CultureInfo.InvariantCulture).Length;
            var top = BigInteger.Pow(10, digits) - 1;
            if (high is { } h && h < top) top = h;
            parts.Add(SameLength(from.ToString(CultureInfo.InvariantCulture), top.ToString(CultureInfo.InvariantCulture)));
            if (high is null)
            {
                parts.Add("[1-9][0-9]{" + digits.ToString(CultureInfo.InvariantCulture) + ",}");
                break;
            }
            from = top + 1;
        }
        return string.Join("|", parts);
    }

    private static string SameLength(string a, string b)
    {
        if (a.Length == 0) return string.Empty;
        if (a == b) return a;
        var n = a.Length - 1;
        if (a[0] == b[0]) return a[0] + SameLength(a[1..], b[1..]);
        if (a[1..].All(c => c == '0') && b[1..].All(c => c == '9')) return Class(a[0], b[0]) + AnyDigits(n);
        var parts = new List<string> { a[0] + SameLength(a[1..], new string('9', n)) };
        if (b[0] - a[0] > 1) parts.Add(Class((char)(a[0] + 1), (char)(b[0] - 1)) + AnyDigits(n));
        parts.Add(b[0] + SameLength(new string('0', n), b[1..]));
        return "(?:" + string.Join("|", parts) + ")";
    }

    private static string Class(char from, char to) => from == to ? from.ToString() : $"[{from}-{to}]";

    private static string AnyDigits(int count) => count switch
    {
        0 => string.Empty,
        1 => "[0-9]",
        _ => "[0-9]{" + count.ToString(CultureInfo.InvariantCulture) + "}",
    };

    /// <summary>Unsigned decimal text (integer part may be empty) whose value is at most <paramref name="bound"/>.</summary>
    private static string DecimalAtMost(double bound)
    {
        var (whole, fraction) = Split(bound);
        var parts = new List<string>();
        if (whole > 0) parts.Add(IntegerPart(BigInteger.Zero, whole - 1, allowEmpty: true) + @"(?:\.[0-9]*)?");
        parts.Add(IntegerPart(whole, whole, allowEmpty: true) + @"(?:\." + FractionAtMost(fraction) + ")?");
        return "(?:" + string.Join("|", parts) + ")";
    }

    /// <summary>Unsigned decimal text (integer part may be empty) whose value is at least <paramref name="bound"/>.</summary>
    private static string DecimalAtLeast(double bound)
    {
        var (whole, fraction) = Split(bound);
        var parts = new List<string>
        {
            IntegerPart(whole + 1, null, allowEmpty: false) + @"(?:\.[0-9]*)?",
            IntegerPart(whole, whole, allowEmpty: true) + (fraction.Length == 0 ? @"(?:\.[0-9]*)?" : @"\." + FractionAtLeast(fraction)),
        };
        return "(?:" + string.Join("|", parts) + ")";
    }

    private static string FractionAtMost(string digits)
    {
        if (digits.Length == 0) return "0*";
        var d = digits[0];
        var lower = d > '0' ? Class('0', (char)(d - 1)) + "[0-9]*|" : string.Empty;
        return "(?:" + lower + d + FractionAtMost(digits[1..]) + ")?";
    }

    private static string FractionAtLeast(string digits)
    {
        var d = digits[0];
        var higher = d < '9' ? Class((char)(d + 1), '9') + "[0-9]*|" : string.Empty;
        var rest = digits.Length == 1 ? "[0-9]*" : FractionAtLeast(digits[1..]);
        return "(?:" + higher + d + rest + ")";
    }

    private static (BigInteger Whole, string Fraction) Split(double value)
    {
        var text = value.ToString("0.###############", CultureInfo.InvariantCulture);
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        return dot < 0
            ? (BigInteger.Parse(text, CultureInfo.InvariantCulture), string.Empty)
            : (BigInteger.Parse(text[..dot], CultureInfo.InvariantCulture), text[(dot + 1)..].TrimEnd('0'));
    }
}
