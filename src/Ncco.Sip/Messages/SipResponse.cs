using System.Globalization;
using System.Text;

namespace Ncco.Sip.Messages;

/// <summary>A SIP response.</summary>
public sealed record SipResponse : SipMessage
{
    /// <summary>Status code 100–699.</summary>
    public required int StatusCode { get; init; }

    /// <summary>Reason phrase.</summary>
    public string ReasonPhrase { get; init; } = "";

    /// <summary>True for 1xx.</summary>
    public bool IsProvisional => StatusCode < 200;

    /// <summary>True for 2xx.</summary>
    public bool IsSuccess => StatusCode is >= 200 and < 300;

    /// <inheritdoc />
    protected override void AppendStartLine(StringBuilder builder) =>
        builder.Append("SIP/2.0 ").Append(StatusCode.ToString(CultureInfo.InvariantCulture)).Append(' ').Append(ReasonPhrase);

    /// <inheritdoc />
    private protected override string StartLine() => string.Create(CultureInfo.InvariantCulture, $"SIP/2.0 {StatusCode} {ReasonPhrase}");

    /// <summary>A copy with the header replaced.</summary>
    public new SipResponse WithHeader(string name, string value) => (SipResponse)base.WithHeader(name, value);

    /// <summary>A copy with a header appended.</summary>
    public new SipResponse AddHeader(string name, string value) => (SipResponse)base.AddHeader(name, value);

    /// <summary>
    /// Builds a response to <paramref name="request"/> per RFC 3261 §8.2.6: Via, From, To, Call-ID and CSeq copied,
    /// a To tag added when given and absent. A response that can establish a dialog (101–299 to INVITE, SUBSCRIBE or
    /// REFER) also copies the request's Record-Route values, in order (§12.1.1).
    /// </summary>
    public static SipResponse For(SipRequest request, int statusCode, string? reason = null, string? toTag = null)
    {
        // Without the Record-Route in the 2xx, a caller behind a record-routing proxy builds no route set: its ACK and
        // BYE reach the proxy without a Route and are dropped there.
        var copiesRecordRoute = statusCode is > 100 and < 300 && request.Method is ("INVITE" or "SUBSCRIBE" or "REFER");
        var headers = new List<SipHeader>();
        foreach (var h in request.Headers)
        {
            if (h.Is(HeaderNames.Via) || h.Is(HeaderNames.From) || h.Is(HeaderNames.CallId) || h.Is(HeaderNames.CSeq)
                || (copiesRecordRoute && h.Is(HeaderNames.RecordRoute)))
            {
                headers.Add(h);
            }
            else if (h.Is(HeaderNames.To))
            {
                var value = h.Value;
                if (toTag is not null && statusCode > 100 && NameAddress.Parse(value, HeaderNames.To).Tag is null)
                {
                    value += ";tag=" + toTag;
                }
                headers.Add(h with { Value = value });
            }
            else if (statusCode == 100 && h.Is("Timestamp"))
            {
                headers.Add(h);
            }
        }
        return new SipResponse { StatusCode = statusCode, ReasonPhrase = reason ?? ReasonPhrases.For(statusCode), Headers = [.. headers] };
    }
}
