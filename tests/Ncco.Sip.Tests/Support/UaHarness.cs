using Ncco.Sip.Dialogs;
using Ncco.Sip.Messages;
using Ncco.Sip.Transactions;
using Ncco.Sip.Transport;

namespace Ncco.Sip.Tests.Support;

/// <summary>A UA over a fake UDP transport on virtual time: the test plays the peer by delivering messages.</summary>
internal sealed class UaHarness
{
    public UaHarness(SipUserAgentOptions? options = null, SipTransportKind kind = SipTransportKind.Udp, Ncco.Sip.Diagnostics.SipDiagnostics? diagnostics = null)
    {
        Transport = new FakeTransport(kind);
        Agent = new SipUserAgent(new TransactionLayer(new SipTransportLayer([Transport], advertisedHost: "127.0.0.1", diagnostics: diagnostics), Time), options);
        Agent.Start();
    }

    public ManualTimeProvider Time { get; } = new();

    public FakeTransport Transport { get; }

    public SipUserAgent Agent { get; }

    public void At(double seconds) => Time.Advance(TimeSpan.FromSeconds(seconds));

    public const string Offer = "v=0\r\no=- 1 1 IN IP4 192.0.2.50\r\ns=-\r\nc=IN IP4 192.0.2.50\r\nt=0 0\r\nm=audio 30000 RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\n";

    public static SipRequest Invite(string branch = "z9hG4bKinv", params SipHeader[] extra)
    {
        var invite = Requests.Make("INVITE", branch, body: Offer, contentType: "application/sdp");
        return invite with { Headers = invite.Headers.AddRange(extra) };
    }

    public IncomingCall Receive(SipRequest invite)
    {
        Transport.Deliver(invite);
        Assert.True(Agent.TryAccept(out var call), "the INVITE did not become an incoming call");
        return call;
    }

    /// <summary>The next incoming call if one is waiting (virtual time: delivery is synchronous).</summary>
    public IncomingCall? TryAccept() => Agent.TryAccept(out var call) ? call : null;

    /// <summary>How the call ended; fails the test if it has not (virtual time makes this synchronous).</summary>
    public static CallEnd EndOf(SipCall call)
    {
        Assert.True(call.Ended.IsCompleted, "the call has not ended");
        return call.Ended.Result;
    }

    public SipRequest InDialog(IncomingCall call, string method, long cseq, string branch, string body = "", string? contentType = null, params SipHeader[] extra)
    {
        var request = Requests.Make(method, branch, cseq: cseq, toTag: call.LocalTag, body: body, contentType: contentType);
        return request with { Headers = request.Headers.AddRange(extra) };
    }
}
