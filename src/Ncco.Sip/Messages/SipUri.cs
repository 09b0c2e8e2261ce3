using System.Buffers;
using System.Globalization;
using System.Net;
using System.Text;
using Ncco.Sip.Parsing;

namespace Ncco.Sip.Messages;

/// <summary>
/// A SIP or SIPS URI (RFC 3261 §19.1), or another absolute URI (tel:, urn:…) kept opaque.
/// Hosts may be names, IPv4 or bracketed IPv6 literals; the scheme is stored lower-case.
/// </summary>
public sealed record SipUri
{
    /// <summary>Lower-case scheme: <c>sip</c>, <c>sips</c>, or another.</summary>
    public required string Scheme { get; init; }

    /// <summary>The user part as written (escapes kept), or null.</summary>
    public string? User { get; init; }

    /// <summary>The password part, or null (RFC 3261 discourages it but it is legal).</summary>
    public string? Password { get; init; }

    /// <summary>Host name, IPv4 address or IPv6 literal in brackets. Empty for non-SIP schemes.</summary>
    public string Host { get; init; } = "";

    /// <summary>Explicit port, or null for the transport default.</summary>
    public int? Port { get; init; }

    /// <summary>URI parameters (transport, lr, maddr, user…).</summary>
    public SipParameters Parameters { get; init; } = SipParameters.Empty;

    /// <summary>URI headers (after <c>?</c>).</summary>
    public SipParameters Headers { get; init; } = SipParameters.Empty;

    /// <summary>For non-SIP schemes: everything after the colon.</summary>
    public string? Opaque { get; init; }

    /// <summary>True for sip: and sips: URIs.</summary>
    public bool IsSip => Scheme is "sip" or "sips";

    /// <summary>True when TLS is demanded: a sips: URI or <c>;transport=tls</c>.</summary>
    public bool IsSecure => Scheme == "sips" || string.Equals(Parameters["transport"], "tls", StringComparison.OrdinalIgnoreCase);

    /// <summary>The transport parameter, lower-case, or null.</summary>
    public string? Transport => Parameters["transport"]?.ToLowerInvariant();

    /// <summary>Host without IPv6 brackets, for address resolution.</summary>
    public string HostWithoutBrackets => Host.StartsWith('[') ? Host[1..^1] : Host;

    /// <summary>Parses a URI; throws <see cref="SipParseException"/> naming <paramref name="headerName"/> on bad input.</summary>
    public static SipUri Parse(string text, string? headerName = null)
    {
        text = text.Trim();
        var colon = text.IndexOf(':');
        if (colon <= 0)
        {
            throw new SipParseException("URI has no scheme", headerName);
        }
        // Span checks and the scheme's constant where it is sip/sips: no lower-cased copy, enumerator or closure per
        // URI (every message carries several; issue 19).
        var schemeText = text.AsSpan(0, colon);
        var scheme = schemeText.Equals("sip", StringComparison.OrdinalIgnoreCase) ? "sip"
            : schemeText.Equals("sips", StringComparison.OrdinalIgnoreCase) ? "sips" : schemeText.ToString().ToLowerInvariant();
        if (!char.IsAsciiLetter(scheme[0]) || scheme.AsSpan().ContainsAnyExcept(SchemeChars))
        {
            throw new SipParseException($"URI scheme '{Printable(scheme)}' is not valid", headerName);
        }
        // The rest is read in place as offsets into the text: strings only for the fields kept (issue 19).
        var restStart = colon + 1;
        if (text.AsSpan(restStart).IndexOfAny(Unescaped) >= 0)
        {
            throw new SipParseException("URI contains characters that must be escaped", headerName);
        }
        if (scheme is not ("sip" or "sips"))
        {
            if (restStart == text.Length)
            {
                throw new SipParseException("URI is empty after the scheme", headerName);
            }
            return new SipUri { Scheme = scheme, Opaque = text[restStart..] };
        }

        string? user = null;
        string? password = null;
        var at = text.IndexOf('@', restStart);
        if (at >= 0)
        {
            var pw = text.IndexOf(':', restStart, at - restStart);
            user = text[restStart..(pw >= 0 ? pw : at)];
            password = pw >= 0 ? text[(pw + 1)..at] : null;
            if (user.Length == 0)
            {
                throw new SipParseException("URI has an empty user part before '@'", headerName);
            }
            ValidateEscapes(user, headerName);
            restStart = at + 1;
        }

        string host;
        int index;
        if (restStart < text.Length && text[restStart] == '[')
        {
            var close = text.IndexOf(']', restStart);
            if (close < 0)
            {
                throw new SipParseException("IPv6 host is missing ']'", headerName);
            }
            host = text[restStart..(close + 1)];
            if (!IPAddress.TryParse(host.AsSpan(1, host.Length - 2), out var ip) || ip.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
            {
                throw new SipParseException($"'{Printable(host)}' is not an IPv6 address", headerName);
            }
            index = close + 1;
        }
        else
        {
            index = restStart;
            while (index < text.Length && text[index] is not (':' or ';' or '?'))
            {
                index++;
            }
            host = text[restStart..index];
            if (host.Length == 0)
            {
                throw new SipParseException("URI has no host", headerName);
            }
            if (host.AsSpan().ContainsAnyExcept(HostChars))
            {
                throw new SipParseException($"host '{Printable(host)}' contains characters a host name cannot", headerName);
            }
        }

        int? port = null;
        if (index < text.Length && text[index] == ':')
        {
            var start = ++index;
            while (index < text.Length && char.IsAsciiDigit(text[index]))
            {
                index++;
            }
            if (index == start || index - start > 5 || !int.TryParse(text.AsSpan(start, index - start), NumberStyles.None, CultureInfo.InvariantCulture, out var p) || p > 65535)
            {
                throw new SipParseException("URI port is not a number from 0 to 65535", headerName);
            }
            port = p;
        }

        var parameters = SipParameters.Empty;
        var headers = SipParameters.Empty;
        if (index < text.Length && text[index] == ';')
        {
            var end = text.IndexOf('?', index);
            var listEnd = end >= 0 ? end : text.Length;
            parameters = ParseList(text, index + 1, listEnd, ';', headerName);
            index = listEnd;
        }
        if (index < text.Length && text[index] == '?')
        {
            headers = ParseList(text, index + 1, text.Length, '&', headerName);
            index = text.Length;
        }
        if (index != text.Length)
        {
            throw new SipParseException("unexpected characters after the URI host", headerName);
        }
        return new SipUri { Scheme = scheme, User = user, Password = password, Host = host, Port = port, Parameters = parameters, Headers = headers };
    }

    /// <summary>Parses without throwing.</summary>
    public static bool TryParse(string text, out SipUri? uri)
    {
        try
        {
            uri = Parse(text);
            return true;
        }
        catch (SipParseException)
        {
            uri = null;
            return false;
        }
    }

    private static readonly SearchValues<char> SchemeChars = SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-.");

    private static readonly SearchValues<char> HostChars = SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._");

    private static readonly SearchValues<char> Unescaped = SearchValues.Create(" \t\r\n<>\"");

    /// <summary>The <paramref name="separator"/>-separated list in text[start..end], as <c>name[=value]</c> pairs.</summary>
    private static SipParameters ParseList(string text, int start, int end, char separator, string? headerName)
    {
        var list = text.AsSpan(start, end - start);
        var items = new KeyValuePair<string, string?>[list.Count(separator) + 1];
        var count = 0;
        var partStart = start;
        while (true)
        {
            var next = text.IndexOf(separator, partStart, end - partStart);
            var partEnd = next >= 0 ? next : end;
            var part = text.AsSpan(partStart, partEnd - partStart);
            if (part.IsEmpty)
            {
                throw new SipParseException("URI has an empty parameter", headerName);
            }
            var eq = part.IndexOf('=');
            if (eq == 0)
            {
                throw new SipParseException("URI parameter has no name", headerName);
            }
            ValidateEscapes(part, headerName);
            items[count++] = eq >= 0
                ? new(text.Substring(partStart, eq), text.Substring(partStart + eq + 1, part.Length - eq - 1))
                : new(part.ToString(), null);
            if (next < 0)
            {
                break;
            }
            partStart = next + 1;
        }
        return new SipParameters(items, owned: true);
    }

    private static void ValidateEscapes(ReadOnlySpan<char> text, string? headerName)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '%' && (i + 2 >= text.Length || !char.IsAsciiHexDigit(text[i + 1]) || !char.IsAsciiHexDigit(text[i + 2])))
            {
                throw new SipParseException("URI has a '%' not followed by two hex digits", headerName);
            }
        }
    }

    private static string Printable(string text) =>
        new(text.Take(40).Select(c => c < 0x20 || c == 0x7f ? '?' : c).ToArray());

    /// <inheritdoc />
    public override string ToString()
    {
        var builder = new StringBuilder(Scheme, 96).Append(':');
        if (!IsSip)
        {
            return builder.Append(Opaque).ToString();
        }
        if (User is not null)
        {
            builder.Append(User);
            if (Password is not null)
            {
                builder.Append(':').Append(Password);
            }
            builder.Append('@');
        }
        builder.Append(Host);
        if (Port is { } port)
        {
            builder.Append(':').Append(port.ToString(CultureInfo.InvariantCulture));
        }
        Parameters.AppendTo(builder, ';');
        Headers.AppendTo(builder, '?');
        return builder.ToString();
    }
}
