namespace Ncco.Sip.Parsing;

/// <summary>
/// The only exception the SIP and SDP parsers throw for bad input. It names the header (when one is to blame)
/// and the reason, and carries the status code a UAS should answer with (400, 416, 505, 513…).
/// </summary>
public sealed class SipParseException : Exception
{
    /// <summary>Creates a parse error.</summary>
    public SipParseException(string reason, string? header = null, int statusCode = 400)
        : base(header is null ? reason : $"{header}: {reason}")
    {
        Reason = reason;
        Header = header;
        StatusCode = statusCode;
    }

    /// <summary>The header at fault, or null when the start line or the framing is.</summary>
    public string? Header { get; }

    /// <summary>Why the input was rejected.</summary>
    public string Reason { get; }

    /// <summary>The response status a UAS should send for a request that fails this way.</summary>
    public int StatusCode { get; }

    /// <summary>
    /// For a request that failed after its start line: the request with the headers read so far, so a UAS can still
    /// answer 400 when Via, From, To, Call-ID and CSeq were readable (RFC 3261 §8.2 asks for a response when possible).
    /// </summary>
    public Messages.SipRequest? PartialRequest { get; internal set; }

    /// <summary>A reason phrase for the error response: names the header and the reason, kept to one safe line.</summary>
    public string ReasonPhrase
    {
        get
        {
            var text = Message.Length > 120 ? Message[..120] : Message;
            return new string(text.Select(c => c < 0x20 || c == 0x7f ? ' ' : c).ToArray());
        }
    }
}
