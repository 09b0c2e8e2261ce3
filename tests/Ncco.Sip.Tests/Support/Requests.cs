using Ncco.Sip.Messages;

namespace Ncco.Sip.Tests.Support;

/// <summary>Builds requests as a peer (or our own UAC) would send them.</summary>
internal static class Requests
{
    public static SipRequest Make(string method, string branch, string viaHost = "192.0.2.50:5070", string transport = "UDP", long cseq = 1,
        string callId = "call-1", string? toTag = null, string body = "", string? contentType = null)
    {
        var headers = new List<SipHeader>
        {
            new(HeaderNames.Via, $"SIP/2.0/{transport} {viaHost};branch={branch}"),
            new(HeaderNames.MaxForwards, "70"),
            new(HeaderNames.From, "<sip:alice@example.com>;tag=from1"),
            new(HeaderNames.To, toTag is null ? "<sip:bob@127.0.0.1>" : $"<sip:bob@127.0.0.1>;tag={toTag}"),
            new(HeaderNames.CallId, callId),
            new(HeaderNames.CSeq, $"{cseq} {method}"),
            new(HeaderNames.Contact, "<sip:alice@192.0.2.50:5070>"),
        };
        if (contentType is not null)
        {
            headers.Add(new(HeaderNames.ContentType, contentType));
        }
        return new SipRequest
        {
            Method = method,
            Uri = SipUri.Parse("sip:bob@127.0.0.1:5060"),
            Headers = [.. headers],
            Body = System.Text.Encoding.UTF8.GetBytes(body),
        };
    }

    /// <summary>A request as our own UAC sends it: top Via names 127.0.0.1 (the advertised host of the harness).</summary>
    public static SipRequest Ours(string method, string branch, string transport = "UDP") =>
        Make(method, branch, "127.0.0.1:5060", transport);

    public static SipResponse Reply(SipRequest request, int status, string? toTag = "totag") => SipResponse.For(request, status, toTag: toTag);
}
