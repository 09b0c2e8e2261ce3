using System.Text;
using Ncco.Sip.Messages;
using Ncco.Sip.Parsing;

namespace Ncco.Sip.Tests.Parsing;

public sealed class ParserLimitsTests
{
    private const string Head =
        "OPTIONS sip:u@example.com SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKlim\r\nTo: <sip:u@example.com>\r\n" +
        "From: <sip:p@example.com>;tag=1\r\nCall-ID: lim\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\n";

    [Fact]
    public void Oversized_message_is_rejected_with_513()
    {
        var bytes = Encoding.ASCII.GetBytes(Head + "Content-Length: 2000\r\n\r\n" + new string('x', 2000));
        var error = Assert.Throws<SipParseException>(() => SipMessageParser.Parse(bytes, new SipLimits { MaxMessageBytes = 1000 }));
        Assert.Equal(513, error.StatusCode);
    }

    [Fact]
    public void Too_many_headers_and_overlong_lines_are_rejected()
    {
        var many = Head + string.Concat(Enumerable.Range(0, 200).Select(i => $"X-H{i}: v\r\n")) + "\r\n";
        var error = Assert.Throws<SipParseException>(() => SipMessageParser.Parse(Encoding.ASCII.GetBytes(many)));
        Assert.Contains("128", error.Message, StringComparison.Ordinal);

        var longLine = Head + "X-Long: " + new string('a', 9000) + "\r\n\r\n";
        error = Assert.Throws<SipParseException>(() => SipMessageParser.Parse(Encoding.ASCII.GetBytes(longLine)));
        Assert.Contains("longer than", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compact_forms_expand_to_canonical_names()
    {
        var text = "INVITE sip:u@example.com SIP/2.0\r\nv: SIP/2.0/UDP h;branch=z9hG4bK1\r\nt: <sip:u@example.com>\r\nf: <sip:p@example.com>;tag=1\r\n" +
                   "i: cid\r\nCSeq: 1 INVITE\r\nm: <sip:p@h>\r\ne: gzip\r\ns: hi\r\nk: timer\r\nc: application/sdp\r\nl: 3\r\n\r\nabc";
        var message = SipMessageParser.Parse(Encoding.ASCII.GetBytes(text));

        Assert.Equal(
            [HeaderNames.Via, HeaderNames.To, HeaderNames.From, HeaderNames.CallId, HeaderNames.CSeq, HeaderNames.Contact,
             HeaderNames.ContentEncoding, HeaderNames.Subject, HeaderNames.Supported, HeaderNames.ContentType],
            message.Headers.Select(h => h.Name));
        Assert.Equal("abc", message.BodyText);
        Assert.Contains("Content-Length: 3\r\n", Encoding.ASCII.GetString(message.ToBytes()), StringComparison.Ordinal);
    }

    [Fact]
    public void Uri_parts_are_read_and_written_back()
    {
        var uri = SipUri.Parse("SIPS:alice:secret@[::1]:5061;transport=tls;lr?subject=hi&priority=urgent");

        Assert.Equal("sips", uri.Scheme);
        Assert.Equal("alice", uri.User);
        Assert.Equal("secret", uri.Password);
        Assert.Equal("[::1]", uri.Host);
        Assert.Equal(5061, uri.Port);
        Assert.True(uri.Parameters.Contains("lr"));
        Assert.True(uri.IsSecure);
        Assert.Equal("urgent", uri.Headers["priority"]);
        Assert.Equal("sips:alice:secret@[::1]:5061;transport=tls;lr?subject=hi&priority=urgent", uri.ToString());
        Assert.True(SipUri.Parse("sip:h;transport=TLS").IsSecure);
        Assert.False(SipUri.TryParse("sip:host:70000", out _));
        Assert.False(SipUri.TryParse("sip:us%zzer@host", out _));
    }

    [Fact]
    public void Response_built_for_a_request_copies_dialog_headers_and_adds_a_to_tag()
    {
        var request = (SipRequest)SipMessageParser.Parse(Encoding.ASCII.GetBytes(Head + "Content-Length: 0\r\n\r\n"));
        var response = SipResponse.For(request, 486, toTag: "abc");
        var parsed = (SipResponse)SipMessageParser.Parse(response.ToBytes());

        Assert.Equal(486, parsed.StatusCode);
        Assert.Equal("Busy Here", parsed.ReasonPhrase);
        Assert.Equal("abc", parsed.To.Tag);
        Assert.Equal("z9hG4bKlim", parsed.TopVia.Branch);
        Assert.Equal("lim", parsed.CallId);
    }
}
