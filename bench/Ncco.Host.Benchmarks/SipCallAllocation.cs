using System.Globalization;
using System.Text;
using Ncco.Sip.Messages;
using Ncco.Sip.Parsing;

namespace Ncco.Host.Benchmarks;

/// <summary>
/// Bytes one call's SIP messages cost the stack, on one thread (<see cref="GC.GetAllocatedBytesForCurrentThread"/>), as
/// an inbound SIPp call exchanges them: the INVITE parsed and read (Via, From, To, Call-ID, CSeq, Contact, as the
/// transaction layer, dialog and gateway do), the 100, 180 and 200 (with SDP) built and serialised, the ACK and BYE
/// parsed and read, the BYE's 200 built and serialised. Uses only the public message API, so the same binary measures
/// another build's <c>Ncco.Sip.dll</c> dropped in beside it (issue 19: before/after in one run, no load needed).
/// </summary>
internal static class SipCallAllocation
{
    private const string Sdp =
        "v=0\r\no=user1 53655765 2353687637 IN IP4 127.0.1.2\r\ns=-\r\nc=IN IP4 127.0.1.2\r\nt=0 0\r\nm=audio 6000 RTP/AVP 0 8 101\r\n" +
        "a=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\na=sendrecv\r\n";

    private static string Invite(int n) =>
        $"INVITE sip:demo@127.0.0.1:5060 SIP/2.0\r\n" +
        $"Via: SIP/2.0/UDP 127.0.1.2:5070;branch=z9hG4bK-2801-{n}-0\r\n" +
        $"From: sipp <sip:sipp@127.0.1.2:5070>;tag=2801SIPpTag00{n}\r\n" +
        "To: <sip:demo@127.0.0.1:5060>\r\n" +
        $"Call-ID: {n}-2801@127.0.1.2\r\n" +
        "CSeq: 1 INVITE\r\n" +
        "Contact: sip:sipp@127.0.1.2:5070\r\n" +
        "Max-Forwards: 70\r\n" +
        "Subject: Performance Test\r\n" +
        "Content-Type: application/sdp\r\n" +
        $"Content-Length: {Sdp.Length}\r\n\r\n" + Sdp;

    private static string InDialog(string method, int cseq, int n, string toTag, string branch) =>
        $"{method} sip:demo@127.0.0.1:5060 SIP/2.0\r\n" +
        $"Via: SIP/2.0/UDP 127.0.1.2:5070;branch=z9hG4bK-2801-{n}-{branch}\r\n" +
        $"From: sipp <sip:sipp@127.0.1.2:5070>;tag=2801SIPpTag00{n}\r\n" +
        $"To: <sip:demo@127.0.0.1:5060>;tag={toTag}\r\n" +
        $"Call-ID: {n}-2801@127.0.1.2\r\n" +
        $"CSeq: {cseq} {method}\r\n" +
        "Contact: sip:sipp@127.0.1.2:5070\r\n" +
        "Max-Forwards: 70\r\n" +
        "Subject: Performance Test\r\n" +
        "Content-Length: 0\r\n\r\n";

    private static readonly byte[] AnswerSdp = Encoding.ASCII.GetBytes(
        "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=ncco\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 35000 RTP/AVP 0 101\r\n" +
        "a=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\na=ptime:20\r\na=sendrecv\r\n");

    /// <summary>Runs <paramref name="calls"/> calls' messages after a warm-up; prints bytes per call.</summary>
    public static void Run(int calls)
    {
        // The datagrams are made up front: only the stack's own work is measured.
        var wire = Enumerable.Range(0, calls + 50).Select(n => (
            Invite: Encoding.ASCII.GetBytes(Invite(n)),
            Ack: Encoding.ASCII.GetBytes(InDialog("ACK", 1, n, "as" + n.ToString(CultureInfo.InvariantCulture), "ack")),
            Bye: Encoding.ASCII.GetBytes(InDialog("BYE", 2, n, "as" + n.ToString(CultureInfo.InvariantCulture), "bye")))).ToArray();
        var tags = wire.Select((_, n) => "as" + n.ToString(CultureInfo.InvariantCulture)).ToArray();
        long sent = 0;
        for (var n = 0; n < 50; n++) sent += OneCall(wire[n].Invite, wire[n].Ack, wire[n].Bye, tags[n]);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var n = 50; n < calls + 50; n++) sent += OneCall(wire[n].Invite, wire[n].Ack, wire[n].Bye, tags[n]);
        var bytes = GC.GetAllocatedBytesForCurrentThread() - before;
        var sip = typeof(SipMessage).Assembly;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{sip.Location}: " +
            $"{calls} calls, {bytes / (double)calls:F0} B per call of SIP messages (parse, read, build, serialise; {sent / (calls + 50)} B sent per call)"));
    }

    private static long OneCall(byte[] inviteBytes, byte[] ackBytes, byte[] byeBytes, string toTag)
    {
        var invite = (SipRequest)SipMessageParser.Parse(inviteBytes);
        // What the transaction layer, dialog and gateway read of an INVITE.
        _ = invite.TopVia.Branch;
        _ = invite.From.Tag;
        _ = invite.To.Tag;
        _ = invite.CallId;
        _ = invite.CSeq.Number;
        _ = invite.Contacts;
        _ = invite.RecordRoutes;
        long sent = SipResponse.For(invite, 100).ToBytes().Length;
        sent += SipResponse.For(invite, 180, toTag: toTag).AddHeader(HeaderNames.Contact, "<sip:demo@127.0.0.1:5060>").ToBytes().Length;
        var ok = SipResponse.For(invite, 200, toTag: toTag).AddHeader(HeaderNames.Contact, "<sip:demo@127.0.0.1:5060>")
            .AddHeader(HeaderNames.ContentType, "application/sdp") with { Body = AnswerSdp };
        sent += ok.ToBytes().Length;

        var ack = (SipRequest)SipMessageParser.Parse(ackBytes);
        _ = ack.TopVia.Branch;
        _ = ack.CSeq.Number;
        _ = ack.To.Tag;
        var bye = (SipRequest)SipMessageParser.Parse(byeBytes);
        _ = bye.TopVia.Branch;
        _ = bye.From.Tag;
        _ = bye.To.Tag;
        _ = bye.CSeq.Number;
        sent += SipResponse.For(bye, 200).ToBytes().Length;
        return sent;
    }
}
