using Ncco.Sip.Messages;

namespace Ncco.Host.Legs.Sip;

/// <summary>
/// Reads telephone numbers out of SIP URIs as carriers and PBXs write them, and brings them to E.164 digits (no
/// <c>+</c>, as Vonage writes <c>msisdn</c>, <c>to</c> and <c>from</c>).
/// </summary>
/// <remarks>
/// Accepted: <c>sip:+447700900123@…</c>, <c>sip:447700900123@…;user=phone</c>, <c>tel:+44-7700-900123</c> (RFC 3966
/// visual separators <c>-</c> <c>.</c> <c>(</c> <c>)</c> and spaces are dropped, parameters after <c>;</c> ignored),
/// <c>00</c> international prefixes, and — with a default country calling code configured — national numbers with
/// their trunk prefix <c>0</c> (<c>07700900123</c> with code 44 is <c>447700900123</c>). A national number without a
/// configured code stays as dialled. Anything else (letters, a user name) is not a number: null.
/// </remarks>
internal static class PhoneNumbers
{
    /// <summary>The E.164 digits of <paramref name="uri"/>'s number (the user part of a SIP URI, or a tel: URI), or null.</summary>
    public static string? FromUri(SipUri? uri, string? defaultCountryCode)
    {
        if (uri is null) return null;
        var text = uri.IsSip ? uri.User : uri.Scheme == "tel" ? uri.Opaque : null;
        if (text is null) return null;
        // A user part may carry RFC 3966 parameters itself (sip:+44…;npdi@host;user=phone).
        var semicolon = text.IndexOf(';', StringComparison.Ordinal);
        if (semicolon >= 0) text = text[..semicolon];
        return Normalize(Uri.UnescapeDataString(text), defaultCountryCode);
    }

    /// <summary>The E.164 digits of a number as dialled (see the remarks), or null when it is not a number.</summary>
    public static string? Normalize(string? number, string? defaultCountryCode)
    {
        if (string.IsNullOrWhiteSpace(number) || number.Length > 64) return null;
        var international = false;
        var digits = new System.Text.StringBuilder(number.Length);
        foreach (var c in number.Trim())
        {
            if (char.IsAsciiDigit(c)) digits.Append(c);
            else if (c == '+' && digits.Length == 0 && !international) international = true;
            else if (c is not ('-' or '.' or '(' or ')' or ' ')) return null;
        }
        var text = digits.ToString();
        if (!international)
        {
            if (text.StartsWith("00", StringComparison.Ordinal)) text = text[2..];
            else if (defaultCountryCode is { Length: > 0 } code && text.StartsWith('0') && text.Length > 1) text = code + text[1..];
        }
        return text.Length is 0 or > E164.MaxDigits ? null : text;
    }

    /// <summary>
    /// The number the caller dialled, from where <paramref name="source"/> says the trunk puts it: the Request-URI's
    /// user (default), the To URI, the first Diversion header, or the first History-Info entry; when that place has no
    /// number, the Request-URI and then To are tried, so a misconfigured trunk still routes what it can.
    /// </summary>
    public static string? Dialled(SipRequest invite, DialledNumberSource source, string? defaultCountryCode)
    {
        ArgumentNullException.ThrowIfNull(invite);
        var chosen = source switch
        {
            DialledNumberSource.To => FromUri(invite.To.Uri, defaultCountryCode),
            // Diversion entries are added on top as a call is forwarded: the last one names the number first dialled.
            DialledNumberSource.Diversion => FromHeader(invite, "Diversion", defaultCountryCode, last: true),
            DialledNumberSource.HistoryInfo => FromHeader(invite, "History-Info", defaultCountryCode),
            _ => null,
        };
        return chosen ?? FromUri(invite.Uri, defaultCountryCode) ?? FromUri(invite.To.Uri, defaultCountryCode);
    }

    /// <summary>
    /// The number in the first (or <paramref name="last"/>) entry of a name-address header such as Diversion,
    /// History-Info or P-Asserted-Identity, over all its occurrences; null when there is none or it does not parse.
    /// </summary>
    public static string? FromHeader(SipMessage message, string header, string? defaultCountryCode, bool last = false)
    {
        ArgumentNullException.ThrowIfNull(message);
        var entries = message.HeaderValues(header).SelectMany(Entries).ToList();
        if (entries.Count == 0) return null;
        try
        {
            return FromUri(NameAddress.Parse(last ? entries[^1] : entries[0], header).Uri, defaultCountryCode);
        }
        catch (Ncco.Sip.Parsing.SipParseException)
        {
            return null;
        }
    }

    /// <summary>The entries of a comma-separated header value (commas inside quotes or &lt;…&gt; belong to the entry).</summary>
    private static IEnumerable<string> Entries(string value)
    {
        var depth = 0;
        var quoted = false;
        var start = 0;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '"') quoted = !quoted;
            else if (!quoted && c == '<') depth++;
            else if (!quoted && c == '>') depth--;
            else if (!quoted && depth == 0 && c == ',')
            {
                yield return value[start..i].Trim();
                start = i + 1;
            }
        }
        yield return value[start..].Trim();
    }
}
