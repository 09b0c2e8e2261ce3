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
        var rest = text[(colon + 1)..];
        if (rest.AsSpan().IndexOfAny(Unescaped) >= 0)
        {
            throw new SipParseException("URI contains characters that must be escaped", headerName);
        }
        if (scheme is not ("sip" or "sips"))
        {
            if (rest.Length == 0)
            {
                throw new SipParseException("URI is empty after the scheme", headerName);
            }
            return new SipUri { Scheme = scheme, Opaque = rest };
        }

        string? user = null;
        string? password = null;
        var at = rest.IndexOf('@');
        if (at >= 0)
        {
            var userInfo = rest[..at];
            rest = rest[(at + 1)..];
            var pw = userInfo.IndexOf(':');
            user = pw >= 0 ? userInfo[..pw] : userInfo;
            password = pw >= 0 ? userInfo[(pw + 1)..] : null;
            if (user.Length == 0)
            {
                throw new SipParseException("URI has an empty user part before '@'", headerName);
            }
            ValidateEscapes(user, headerName);
        }

        string host;
        int index;
        if (rest.StartsWith('['))
        {
            var close = rest.IndexOf(']');
            if (close < 0)
            {
                throw new SipParseException("IPv6 host is missing ']'", headerName);
            }
            host = rest[..(close + 1)];
            if (!IPAddress.TryParse(host[1..^1], out var ip) || ip.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
            {
                throw new SipParseException($"'{Printable(host)}' is not an IPv6 address", headerName);
            }
            index = close + 1;
        }
        else
        {
            index = 0;
            while (index < rest.Length && rest[index] is not (':' or ';' or '?'))
            {
                index++;
            }
            host = rest[..index];
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
        if (index < rest.Length && rest[index] == ':')
        {
            var start = ++index;
            while (index < rest.Length && char.IsAsciiDigit(rest[index]))
            {
                index++;
            }
            if (index == start || index - start > 5 || !int.TryParse(rest.AsSpan(start, index - start), NumberStyles.None, CultureInfo.InvariantCulture, out var p) || p > 65535)
            {
                throw new SipParseException("URI port is not a number from 0 to 65535", headerName);
            }
            port = p;
        }

        var parameters = SipParameters.Empty;
        var headers = SipParameters.Empty;
        if (index < rest.Length && rest[index] == ';')
        {
            var end = rest.IndexOf('?', index);
            var paramText = end >= 0 ? rest[(index + 1)..end] : rest[(index + 1)..];
            parameters = ParseList(paramText, ';', headerName);
            index = end >= 0 ? end : rest.Length;
        }
        if (index < rest.Length && rest[index] == '?')
        {
            headers = ParseList(rest[(index + 1)..], '&', headerName);
            index = rest.Length;
        }
        if (index != rest.Length)
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

    private static SipParameters ParseList(string text, char separator, string? headerName)
    {
        var items = new List<KeyValuePair<string, string?>>();
        foreach (var part in text.Split(separator))
        {
            if (part.Length == 0)
            {
                throw new SipParseException("URI has an empty parameter", headerName);
            }
            var eq = part.IndexOf('=');
            var name = eq >= 0 ? part[..eq] : part;
            if (name.Length == 0)
            {
                throw new SipParseException("URI parameter has no name", headerName);
            }
            ValidateEscapes(part, headerName);
            items.Add(new(name, eq >= 0 ? part[(eq + 1)..] : null));
        }
        return new SipParameters(items);
    }

    private static void ValidateEscapes(string text, string? headerName)
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
