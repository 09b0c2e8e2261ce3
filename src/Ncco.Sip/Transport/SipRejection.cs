using System.Text;
using Ncco.Sip.Messages;
using Ncco.Sip.Parsing;

namespace Ncco.Sip.Transport;

/// <summary>
/// Builds the stateless error response (400, 505, 513…) to a request that did not parse, from whatever of it can still be
/// read (RFC 3261 §8.2: a UAS answers a malformed request when it can). It works on the raw bytes, not on the parser's
/// progress, so a request that failed early (a NUL in the Request-Line, the 129th header, an 8 KB header line, a Content-Length
/// that broke a TCP stream) is answered as well as one that failed in its last header.
/// </summary>
/// <remarks>
/// What is echoed is only what §8.2.6.2 asks for: every Via, the first From, To, Call-ID and CSeq, with a To tag added.
/// A request is not answered (the caller drops and counts it) when it is an ACK, when it is really a response, when one of
/// those headers is missing, or when one of them is itself broken: longer than the line limit, carrying a control character,
/// or not parsing the way we would accept it. The CSeq is echoed verbatim even when its number is out of range (the very
/// error being reported) as long as it is digits and a method: the peer matches our answer to its request by it.
/// </remarks>
internal static class SipRejection
{
    /// <summary>Longest CSeq number echoed (RFC 4475's overlarge CSeq has 20 digits).</summary>
    private const int MaxEchoedCSeqDigits = 32;

    /// <summary>The wire bytes of the error response, or null when the request cannot (or must not) be answered.</summary>
    public static byte[]? Build(ReadOnlySpan<byte> data, SipParseException error, SipLimits limits)
    {
        var lines = HeadLines(data, limits);
        if (lines.Count == 0 || lines[0].StartsWith("SIP/", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        var vias = new List<string>();
        string? from = null, to = null, callId = null, cseq = null;
        for (var n = 1; n < lines.Count; n++)
        {
            var line = lines[n];
            var colon = line.IndexOf(':');
            if (colon <= 0)
            {
                continue;
            }
            var name = HeaderNames.Canonical(line[..colon].Trim(' ', '\t'));
            if (name is not (HeaderNames.Via or HeaderNames.From or HeaderNames.To or HeaderNames.CallId or HeaderNames.CSeq))
            {
                continue;
            }
            var value = line[(colon + 1)..].Trim(' ', '\t');
            if (line.Length > limits.MaxHeaderLineLength || HasControl(value))
            {
                return null;
            }
            switch (name)
            {
                case HeaderNames.Via:
                    try
                    {
                        vias.AddRange(HeaderText.SplitList(value, name));
                    }
                    catch (SipParseException)
                    {
                        return null;
                    }
                    break;
                case HeaderNames.From:
                    from ??= value;
                    break;
                case HeaderNames.To:
                    to ??= value;
                    break;
                case HeaderNames.CallId:
                    callId ??= value;
                    break;
                default:
                    cseq ??= value;
                    break;
            }
        }
        if (vias.Count == 0 || from is null || to is null || callId is null || cseq is null || CSeqMethod(cseq) is not { } cseqMethod)
        {
            return null;
        }
        var space = lines[0].IndexOf(' ');
        var method = space > 0 ? lines[0][..space] : lines[0];
        if (!HeaderText.IsToken(method))
        {
            method = cseqMethod;
        }
        if (method == SipMethods.Ack || cseqMethod == SipMethods.Ack)
        {
            // §17.1.1.3: an ACK is never answered.
            return null;
        }
        try
        {
            if (NameAddress.Parse(to, HeaderNames.To).Tag is null)
            {
                to += ";tag=" + SipIds.NewTag();
            }
        }
        catch (SipParseException)
        {
            return null;
        }
        var headers = vias.Select(v => new SipHeader(HeaderNames.Via, v))
            .Append(new SipHeader(HeaderNames.From, from))
            .Append(new SipHeader(HeaderNames.To, to))
            .Append(new SipHeader(HeaderNames.CallId, callId));
        var response = new SipResponse { StatusCode = error.StatusCode, ReasonPhrase = error.ReasonPhrase, Headers = [.. headers] };
        // Never emit what we would not accept ourselves, the CSeq number's range aside: check the reply with a CSeq we accept.
        var check = response.AddHeader(HeaderNames.CSeq, "1 " + cseqMethod);
        if (!SipMessageParser.TryParse(check.ToBytes(), out _, out _, limits))
        {
            return null;
        }
        return response.AddHeader(HeaderNames.CSeq, cseq).ToBytes();
    }

    /// <summary>The method of a CSeq that is digits and a token, whatever the number's size; null otherwise.</summary>
    private static string? CSeqMethod(string cseq)
    {
        var parts = cseq.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 2 || parts[0].Length > MaxEchoedCSeqDigits || !parts[0].All(char.IsAsciiDigit) || !HeaderText.IsToken(parts[1]))
        {
            return null;
        }
        return parts[1];
    }

    /// <summary>The start line and header lines (unfolded) of the header section, or of every complete line when it has no end.</summary>
    private static List<string> HeadLines(ReadOnlySpan<byte> data, SipLimits limits)
    {
        while (data.Length >= 2 && data[0] == '\r' && data[1] == '\n')
        {
            data = data[2..];
        }
        if (data.Length > limits.MaxMessageBytes)
        {
            data = data[..limits.MaxMessageBytes];
        }
        var end = data.IndexOf("\n\r\n"u8);
        var bare = data.IndexOf("\n\n"u8);
        if (bare >= 0 && (end < 0 || bare < end))
        {
            end = bare;
        }
        // Without a blank line only complete lines count: the last one may have been cut.
        var head = end >= 0 ? data[..end] : data[..(data.LastIndexOf((byte)'\n') + 1)];
        var lines = new List<string>();
        foreach (var raw in Encoding.UTF8.GetString(head).Split('\n'))
        {
            var line = raw.EndsWith('\r') ? raw[..^1] : raw;
            if (lines.Count > 1 && line.Length > 0 && line[0] is ' ' or '\t')
            {
                lines[^1] = lines[^1] + " " + line.TrimStart(' ', '\t');
            }
            else if (line.Length > 0 || lines.Count == 0)
            {
                lines.Add(line);
            }
        }
        return lines;
    }

    private static bool HasControl(string value)
    {
        foreach (var c in value)
        {
            if ((c < 0x20 && c != '\t') || c == 0x7f)
            {
                return true;
            }
        }
        return false;
    }
}
