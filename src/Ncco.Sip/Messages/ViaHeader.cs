using System.Globalization;
using System.Text;
using Ncco.Sip.Parsing;

namespace Ncco.Sip.Messages;

/// <summary>One Via entry (RFC 3261 §20.42, RFC 3581 rport).</summary>
public sealed record ViaHeader
{
    /// <summary>The magic cookie that marks an RFC 3261 branch (§8.1.1.7).</summary>
    public const string MagicCookie = "z9hG4bK";

    /// <summary>Transport in upper case: UDP, TCP, TLS, SCTP, WS…</summary>
    public required string Transport { get; init; }

    /// <summary>The sent-by host.</summary>
    public required string Host { get; init; }

    /// <summary>The sent-by port, or null.</summary>
    public int? Port { get; init; }

    /// <summary>Via parameters (branch, received, rport, maddr, ttl…).</summary>
    public SipParameters Parameters { get; init; } = SipParameters.Empty;

    /// <summary>The branch parameter, or null.</summary>
    public string? Branch => Parameters["branch"];

    /// <summary>True when the branch starts with the RFC 3261 magic cookie.</summary>
    public bool HasRfc3261Branch => Branch?.StartsWith(MagicCookie, StringComparison.Ordinal) == true;

    /// <summary>Parses one Via value; errors name the Via header.</summary>
    public static ViaHeader Parse(string text)
    {
        const string header = HeaderNames.Via;
        var i = 0;
        HeaderText.SkipSpace(text, ref i);
        // sent-protocol read as ranges of the text: only the transport becomes a string, and for the usual ones a
        // constant (issue 19).
        Span<Range> parts = stackalloc Range[3];
        for (var p = 0; p < 3; p++)
        {
            HeaderText.SkipSpace(text, ref i);
            var start = i;
            while (i < text.Length && HeaderText.IsTokenChar(text[i]))
            {
                i++;
            }
            if (i == start)
            {
                throw new SipParseException("sent-protocol must look like SIP/2.0/UDP", header);
            }
            parts[p] = start..i;
            HeaderText.SkipSpace(text, ref i);
            if (p < 2)
            {
                if (i >= text.Length || text[i] != '/')
                {
                    throw new SipParseException("sent-protocol must look like SIP/2.0/UDP", header);
                }
                i++;
            }
        }
        var protocol = text.AsSpan()[parts[0]];
        var version = text.AsSpan()[parts[1]];
        if (!protocol.Equals("SIP", StringComparison.OrdinalIgnoreCase) || !version.SequenceEqual("2.0"))
        {
            throw new SipParseException($"unsupported protocol '{protocol}/{version}'", header);
        }
        var transport = TransportName(text.AsSpan()[parts[2]]);
        HeaderText.SkipSpace(text, ref i);
        string host;
        if (i < text.Length && text[i] == '[')
        {
            var close = text.IndexOf(']', i);
            if (close < 0)
            {
                throw new SipParseException("IPv6 sent-by is missing ']'", header);
            }
            host = text[i..(close + 1)];
            i = close + 1;
        }
        else
        {
            var start = i;
            while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] is '-' or '.' or '_'))
            {
                i++;
            }
            host = text[start..i];
        }
        if (host.Length == 0)
        {
            throw new SipParseException("sent-by host is missing", header);
        }
        HeaderText.SkipSpace(text, ref i);
        int? port = null;
        if (i < text.Length && text[i] == ':')
        {
            i++;
            HeaderText.SkipSpace(text, ref i);
            var start = i;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }
            if (i == start || i - start > 5 || int.Parse(text.AsSpan(start, i - start), CultureInfo.InvariantCulture) is var p && p > 65535)
            {
                throw new SipParseException("sent-by port is not a number from 0 to 65535", header);
            }
            port = p;
        }
        var parameters = HeaderText.ReadParameters(text, i, header);
        return new ViaHeader { Transport = transport, Host = host, Port = port, Parameters = parameters };
    }

    private static string TransportName(ReadOnlySpan<char> name) =>
        name.Equals("UDP", StringComparison.OrdinalIgnoreCase) ? "UDP"
        : name.Equals("TCP", StringComparison.OrdinalIgnoreCase) ? "TCP"
        : name.Equals("TLS", StringComparison.OrdinalIgnoreCase) ? "TLS"
        : name.Equals("WS", StringComparison.OrdinalIgnoreCase) ? "WS"
        : name.Equals("WSS", StringComparison.OrdinalIgnoreCase) ? "WSS"
        : name.ToString().ToUpperInvariant();

    /// <inheritdoc />
    public override string ToString()
    {
        // Sized for the usual Via so the builder does not grow by fresh chunks as the parameters are appended.
        var builder = new StringBuilder(128).Append("SIP/2.0/").Append(Transport).Append(' ').Append(Host);
        if (Port is { } port)
        {
            builder.Append(':').Append(port.ToString(CultureInfo.InvariantCulture));
        }
        Parameters.AppendTo(builder);
        return builder.ToString();
    }
}
