namespace Ncco.Rules;

/// <summary>The syntax checks behind <see cref="ValueFormat"/>; each returns a reason, or null when the text is fine.</summary>
internal static class FormatChecks
{
    /// <summary>Checks <paramref name="text"/> against <paramref name="format"/>.</summary>
    public static string? Check(ValueFormat format, string text) => Check(format, text, out _);

    /// <summary>
    /// Checks <paramref name="text"/> against <paramref name="format"/>; a URL format gives the <see cref="Uri"/> it
    /// parsed when the text passes, so a reader can bind that one instead of parsing the text again.
    /// </summary>
    public static string? Check(ValueFormat format, string text, out Uri? url)
    {
        url = null;
        switch (format)
        {
            case ValueFormat.HttpUrl:
                return IsAbsolute(text, "http", "https", out url) ? null : $"\"{Short(text)}\" is not an absolute http:// or https:// URL";
            case ValueFormat.WebSocketUri:
                return IsAbsolute(text, "ws", "wss", out url) ? null : $"\"{Short(text)}\" is not an absolute ws:// or wss:// URI";
            case ValueFormat.E164:
                return CheckE164(text);
            case ValueFormat.SipUri:
                return CheckSipUri(text);
            case ValueFormat.DtmfDigits:
                foreach (var c in text)
                {
                    if (!(c >= '0' && c <= '9') && c != '*' && c != '#' && c != 'p')
                    {
                        return $"'{c}' is not a DTMF digit; use 0-9, *, # and p (a 500 ms pause)";
                    }
                }
                return null;
            case ValueFormat.TtsLanguage:
                return TtsLanguages.Canonical(text) is null ? $"\"{Short(text)}\" is not a supported text-to-speech language (for example en-US, en-GB, de-DE)" : null;
            case ValueFormat.AsrLanguage:
                return AsrLanguages.Canonical(text) is null ? $"\"{Short(text)}\" is not a supported speech-recognition language (for example en-US, en-GB, es-ES)" : null;
            case ValueFormat.VoiceName:
                return LegacyVoiceNames.TryMap(text, out _, out _) ? null : $"\"{Short(text)}\" is not a known voiceName; voiceName is deprecated, use language and style";
            case ValueFormat.TalkText:
                var length = VisibleTalkLength(text);
                return length > NccoRuleTable.MaxTalkTextLength
                    ? $"talk text must be at most {NccoRuleTable.MaxTalkTextLength} characters outside SSML tags, got {length}"
                    : null;
            case ValueFormat.PrintableAscii:
                foreach (var c in text)
                {
                    if (c < ' ' || c > '~') return "must contain printable ASCII characters only";
                }
                return null;
            default:
                return null;
        }
    }

    /// <summary>The length that counts against the talk limit: SSML tags (in a <c>&lt;speak&gt;</c> document) are not counted.</summary>
    public static int VisibleTalkLength(string text)
    {
        if (!text.TrimStart().StartsWith("<speak", StringComparison.Ordinal)) return text.Length;
        var length = 0;
        var inTag = false;
        foreach (var c in text)
        {
            if (c == '<') inTag = true;
            else if (c == '>' && inTag) inTag = false;
            else if (!inTag) length++;
        }
        return length;
    }

    private static string? CheckE164(string text)
    {
        if (text.StartsWith("+", StringComparison.Ordinal)) return $"\"{Short(text)}\" must be written without the leading + (E.164 digits only, 7 to 15)";
        if (text.Length < 7 || text.Length > 15) return $"\"{Short(text)}\" must be an E.164 number of 7 to 15 digits, got {text.Length} characters";
        foreach (var c in text)
        {
            if (c < '0' || c > '9') return $"\"{Short(text)}\" must be an E.164 number: digits only, without +, spaces or dashes";
        }
        return null;
    }

    private static string? CheckSipUri(string text)
    {
        string rest;
        if (text.StartsWith("sip:", StringComparison.OrdinalIgnoreCase)) rest = text.Substring(4);
        else if (text.StartsWith("sips:", StringComparison.OrdinalIgnoreCase)) rest = text.Substring(5);
        else return $"\"{Short(text)}\" is not a SIP URI; it must start with sip: or sips:";

        var at = rest.IndexOf('@');
        var host = at >= 0 ? rest.Substring(at + 1) : rest;
        if (host.StartsWith("[", StringComparison.Ordinal)) return CheckIpv6Host(text, host);
        var end = host.IndexOfAny([';', '?', ':', '>']);
        if (end >= 0) host = host.Substring(0, end);
        if (host.Length == 0 || host.IndexOf(' ') >= 0) return $"\"{Short(text)}\" is not a SIP URI: it has no host";
        return null;
    }

    /// <summary>An IPv6 reference host (<c>[2001:db8::1]</c>): hex digits, dots and at least one colon inside brackets,
    /// then the end or a port/parameter/header delimiter. The colons inside must not end the host.</summary>
    private static string? CheckIpv6Host(string text, string host)
    {
        var close = host.IndexOf(']');
        if (close < 0) return $"\"{Short(text)}\" is not a SIP URI: the IPv6 host has no closing ]";
        var address = host.Substring(1, close - 1);
        var colon = false;
        foreach (var c in address)
        {
            if (c == ':') colon = true;
            else if (!(c >= '0' && c <= '9') && !(c >= 'a' && c <= 'f') && !(c >= 'A' && c <= 'F') && c != '.')
            {
                return $"\"{Short(text)}\" is not a SIP URI: \"{address}\" is not an IPv6 address";
            }
        }
        if (!colon) return $"\"{Short(text)}\" is not a SIP URI: \"[{address}]\" is not an IPv6 address";
        if (close + 1 < host.Length && ";?:>".IndexOf(host[close + 1]) < 0)
        {
            return $"\"{Short(text)}\" is not a SIP URI: unexpected '{host[close + 1]}' after the IPv6 host";
        }
        return null;
    }

    private static bool IsAbsolute(string text, string scheme, string secureScheme, out Uri? url)
    {
        url = null;
        // Nearly every URL an NCCO holds is a plain https://host/path: a strict scan accepts that form without
        // building a Uri (its parse, UriInfo and host string were most of the check's cost), and anything it is not
        // sure of goes to Uri itself. The reader makes the Uri the model holds only when it binds.
        if (IsPlainUrl(text, scheme, secureScheme)) return true;
        url = Uri.TryCreate(text, UriKind.Absolute, out var uri)
              && (uri.Scheme == scheme || uri.Scheme == secureScheme)
              && uri.Host.Length > 0
            ? uri
            : null;
        return url is not null;
    }

    /// <summary>
    /// Whether <paramref name="text"/> is <c>scheme://host[:port][/path][?query]</c> in a form <see cref="Uri"/> is sure
    /// to accept as an absolute URL with that (lower-case) scheme and a host: lower-case DNS labels of letters, digits
    /// and inner hyphens; a port of 1-5 digits up to 65535; then only unreserved characters and the delimiters
    /// <c>/ ? = &amp; : @ ! $ ' ( ) * + , ;</c>. False means "not sure", never "invalid".
    /// </summary>
    internal static bool IsPlainUrl(string text, string scheme, string secureScheme)
    {
        int at;
        if (StartsWithScheme(text, secureScheme)) at = secureScheme.Length + 3;
        else if (StartsWithScheme(text, scheme)) at = scheme.Length + 3;
        else return false;
        if (text.Length > 2048) return false;

        // Host: labels of [a-z0-9-], 1-63 long, neither starting nor ending with a hyphen.
        var hostStart = at;
        var labelStart = at;
        while (at < text.Length)
        {
            var c = text[at];
            if (c >= 'a' && c <= 'z' || c >= '0' && c <= '9')
            {
                at++;
                continue;
            }
            if (c == '-')
            {
                // Not a leading hyphen, nor "--" (IDNA's xn-- labels are Uri's to judge).
                if (at == labelStart || text[at - 1] == '-') return false;
                at++;
                continue;
            }
            if (c != '.') break;
            if (!IsLabel(text, labelStart, at)) return false;
            at++;
            labelStart = at;
        }
        // The last label starts with a letter: no all-digit host, which Uri would read as an IPv4 address.
        if (!IsLabel(text, labelStart, at) || text[labelStart] < 'a' || at - hostStart > 253) return false;

        if (at < text.Length && text[at] == ':')
        {
            var port = 0;
            var digits = 0;
            for (at++; at < text.Length && text[at] >= '0' && text[at] <= '9'; at++)
            {
                port = port * 10 + (text[at] - '0');
                if (++digits > 5) return false;
            }
            if (digits == 0 || port > 65535) return false;
        }
        if (at == text.Length) return true;
        if (text[at] != '/' && text[at] != '?') return false;
        for (; at < text.Length; at++)
        {
            var c = text[at];
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') continue;
            switch (c)
            {
                case '-': case '.': case '_': case '~': case '/': case '?': case '=': case '&': case ':': case '@':
                case '!': case '$': case '\'': case '(': case ')': case '*': case '+': case ',': case ';':
                    continue;
                default:
                    return false;
            }
        }
        return true;
    }

    private static bool StartsWithScheme(string text, string scheme) =>
        text.Length > scheme.Length + 3
        && string.CompareOrdinal(text, 0, scheme, 0, scheme.Length) == 0
        && text[scheme.Length] == ':' && text[scheme.Length + 1] == '/' && text[scheme.Length + 2] == '/';

    private static bool IsLabel(string text, int start, int end) =>
        end > start && end - start <= 63 && text[end - 1] != '-';

    private static string Short(string text) => text.Length <= 60 ? text : text.Substring(0, 57) + "...";
}
