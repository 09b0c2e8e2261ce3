using Ncco.Sip.Messages;

namespace Ncco.Sip.Transactions;

/// <summary>Requests derived from other requests: the ACK for a failure (§17.1.1.3) and CANCEL (§9.1).</summary>
public static class RequestBuilder
{
    /// <summary>
    /// The ACK a client INVITE transaction sends for a 3xx–6xx: same Request-URI, Call-ID, From, CSeq number and top Via
    /// (so the same branch) as the INVITE, the To of the response (with its tag), and the INVITE's Route set.
    /// </summary>
    public static SipRequest AckForFailure(SipRequest invite, SipResponse response) =>
        Derived(invite, SipMethods.Ack, response.Header(HeaderNames.To) ?? invite.Header(HeaderNames.To)!);

    /// <summary>A CANCEL for <paramref name="invite"/>: same branch so the server matches it to the INVITE transaction.</summary>
    public static SipRequest Cancel(SipRequest invite) => Derived(invite, SipMethods.Cancel, invite.Header(HeaderNames.To)!);

    private static SipRequest Derived(SipRequest invite, string method, string to)
    {
        var headers = new List<SipHeader>
        {
            new(HeaderNames.Via, invite.Header(HeaderNames.Via)!),
            new(HeaderNames.MaxForwards, "70"),
            new(HeaderNames.From, invite.Header(HeaderNames.From)!),
            new(HeaderNames.To, to),
            new(HeaderNames.CallId, invite.CallId),
            new(HeaderNames.CSeq, new CSeqHeader(invite.CSeq.Number, method).ToString()),
        };
        headers.AddRange(invite.Headers.Where(h => h.Is(HeaderNames.Route)));
        return new SipRequest { Method = method, Uri = invite.Uri, Headers = [.. headers] };
    }
}
