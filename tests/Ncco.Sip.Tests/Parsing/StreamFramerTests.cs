using System.Text;
using Ncco.Sip.Parsing;

namespace Ncco.Sip.Tests.Parsing;

public sealed class StreamFramerTests
{
    private static string Message(string cid, string body) =>
        $"MESSAGE sip:u@example.com SIP/2.0\r\nVia: SIP/2.0/TCP h;branch=z9hG4bK{cid}\r\nTo: <sip:u@example.com>\r\n" +
        $"From: <sip:p@example.com>;tag=1\r\nCall-ID: {cid}\r\nCSeq: 1 MESSAGE\r\nContent-Length: {body.Length}\r\n\r\n{body}";

    [Fact]
    public void Messages_split_across_and_packed_into_reads_come_out_whole()
    {
        var stream = Encoding.ASCII.GetBytes("\r\n\r\n" + Message("a", "hello") + Message("b", "") + "\r\n" + Message("c", "xyz"));
        var framer = new SipStreamFramer();
        var got = new List<string>();
        // Feed in 7-byte pieces, as a slow TCP peer might.
        for (var i = 0; i < stream.Length; i += 7)
        {
            framer.Append(stream.AsSpan(i, Math.Min(7, stream.Length - i)));
            while (framer.TryTake(out var frame))
            {
                got.Add(SipMessageParser.Parse(frame).CallId);
            }
        }
        Assert.Equal(["a", "b", "c"], got);
        Assert.Equal(0, framer.Buffered);
    }

    [Fact]
    public void Stream_without_content_length_cannot_be_framed()
    {
        var framer = new SipStreamFramer();
        framer.Append(Encoding.ASCII.GetBytes(Message("a", "").Replace("Content-Length: 0\r\n", "", StringComparison.Ordinal)));
        var error = Assert.Throws<SipParseException>(() => framer.TryTake(out _));
        Assert.Equal("Content-Length", error.Header);
    }

    [Fact]
    public void Endless_header_section_is_cut_off_at_the_size_limit()
    {
        var framer = new SipStreamFramer(new Ncco.Sip.Messages.SipLimits { MaxMessageBytes = 1000 });
        framer.Append(Encoding.ASCII.GetBytes("INVITE sip:x SIP/2.0\r\n" + new string('a', 2000)));
        Assert.Equal(513, Assert.Throws<SipParseException>(() => framer.TryTake(out _)).StatusCode);
    }
}
