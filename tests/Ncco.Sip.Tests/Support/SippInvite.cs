namespace Ncco.Sip.Tests.Support;

/// <summary>The INVITE SIPp's <c>uac</c> scenarios send, byte for byte, with its SDP: what the allocation and wire tests measure.</summary>
internal static class SippInvite
{
    /// <summary>The offer in <see cref="Text"/>: PCMA, PCMU and telephone-event.</summary>
    public const string Sdp =
        "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 6000 RTP/AVP 8 0 101\r\n" +
        "a=rtpmap:8 PCMA/8000\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\na=sendrecv\r\n";

    /// <summary>The whole message.</summary>
    public static readonly string Text =
        "INVITE sip:demo@127.0.0.1:5060 SIP/2.0\r\n" +
        "Via: SIP/2.0/UDP 127.0.1.2:5070;branch=z9hG4bK-2801-1-0\r\n" +
        "From: sipp <sip:sipp@127.0.1.2:5070>;tag=2801SIPpTag001\r\n" +
        "To: <sip:demo@127.0.0.1:5060>\r\n" +
        "Call-ID: 1-2801@127.0.1.2\r\n" +
        "CSeq: 1 INVITE\r\n" +
        "Contact: sip:sipp@127.0.1.2:5070\r\n" +
        "Max-Forwards: 70\r\n" +
        "Subject: Performance Test\r\n" +
        "Content-Type: application/sdp\r\n" +
        $"Content-Length: {Sdp.Length}\r\n\r\n" + Sdp;
}
