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

    /// <summary>A copy with the header replaced.</summary>
    public new SipResponse WithHeader(string name, string value) => (SipResponse)base.WithHeader(name, value);

    /// <summary>A copy with a header appended.</summary>
    public new SipResponse AddHeader(string name, string value) => (SipResponse)base.AddHeader(name, value);

    /// <summary>
    /// Builds a response to <paramref name="request"/> per RFC 3261 §8.2.6: Via, From, To, Call-ID and CSeq copied,
    /// a To tag added when given and absent.
    /// </summary>
    public static SipResponse For(SipRequest request, int statusCode, string? reason = null, string? toTag = null)
    {
        var headers = new List<SipHeader>();
        foreach (var h in request.Headers)
        {
            if (h.Is(HeaderNames.Via) || h.Is(HeaderNames.From) || h.Is(HeaderNames.CallId) || h.Is(HeaderNames.CSeq))
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
