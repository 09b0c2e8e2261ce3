using Ncco.Sip.Messages;
using Ncco.Sip.Parsing;
using System.Text;
using Ncco.Sip.Tests.Support;
using Ncco.Sip.Transport;

namespace Ncco.Sip.Tests.Parsing;

/// <summary>Our own torture messages in the spirit of RFC 4475: odd-but-legal ones parse, broken ones fail with the right code and header.</summary>
public sealed class TortureTests
{
    public static IEnumerable<object[]> Valid => TortureCase.Named("valid-");
    public static IEnumerable<object[]> Invalid => TortureCase.Named("invalid-");

    [Theory]
    [MemberData(nameof(Valid))]
    public void Legal_messages_parse_and_survive_a_round_trip(string name)
    {
        var torture = TortureCase.Load(name);
        Assert.Equal("valid", torture.Expect);

        var message = SipMessageParser.Parse(torture.Bytes);
        var again = SipMessageParser.Parse(message.ToBytes());

        Assert.Equal(message.CallId, again.CallId);
        Assert.Equal(message.CSeq, again.CSeq);
        Assert.Equal(message.Vias.Count, again.Vias.Count);
        Assert.Equal(message.From.Tag, again.From.Tag);
        Assert.Equal(message.Body.ToArray(), again.Body.ToArray());
        Assert.Equal(message.Headers.Length, again.Headers.Length);
    }

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Broken_messages_fail_with_the_code_and_the_header_named(string name)
    {
        var torture = TortureCase.Load(name);
        var expect = torture.Expect.Split(' ');

        var error = Assert.Throws<SipParseException>(() => SipMessageParser.Parse(torture.Bytes));

        Assert.Equal(int.Parse(expect[0], System.Globalization.CultureInfo.InvariantCulture), error.StatusCode);
        if (expect.Length > 1)
        {
            Assert.Equal(expect[1], error.Header);
            Assert.Contains(expect[1], error.ReasonPhrase, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Broken_requests_are_answered_with_that_status_echoing_what_identifies_them_or_dropped_when_they_cannot_be(string name)
    {
        var torture = TortureCase.Load(name);
        var error = Assert.Throws<SipParseException>(() => SipMessageParser.Parse(torture.Bytes));

        var wire = SipRejection.Build(torture.Bytes, error, SipLimits.Default);

        if (!torture.Answered)
        {
            Assert.Null(wire);
            return;
        }
        Assert.NotNull(wire);
        var request = Lines(torture.Bytes);
        var reply = Lines(wire);
        Assert.StartsWith($"SIP/2.0 {error.StatusCode} ", reply[0], StringComparison.Ordinal);
        Assert.Contains(error.Header ?? "", reply[0], StringComparison.Ordinal);
        // Every Via in order, and the first Call-ID and CSeq verbatim (an out-of-range CSeq too: the peer matches by it).
        Assert.Equal(Values(request, "Via", "v").SelectMany(v => v.Split(',', StringSplitOptions.TrimEntries)), Values(reply, "Via"));
        Assert.Equal(Values(request, "Call-ID", "i")[0], Assert.Single(Values(reply, "Call-ID")));
        Assert.Equal(Values(request, "CSeq")[0], Assert.Single(Values(reply, "CSeq")));
        Assert.Contains(";tag=", Assert.Single(Values(reply, "To")), StringComparison.Ordinal);
        // Apart from a CSeq number out of range (the error reported), we would accept the reply ourselves.
        if (!SipMessageParser.TryParse(wire, out _, out var replyError))
        {
            Assert.Equal(HeaderNames.CSeq, replyError!.Header);
        }
    }

    private static List<string> Lines(byte[] message) =>
        [.. Encoding.UTF8.GetString(message).Split("\r\n\r\n")[0].Split("\r\n")];

    private static List<string> Values(List<string> lines, params string[] names) =>
        [.. lines.Skip(1).Where(l => names.Any(n => l.StartsWith(n + ":", StringComparison.OrdinalIgnoreCase) || l.StartsWith(n + " :", StringComparison.OrdinalIgnoreCase)))
            .Select(l => l[(l.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim())];

    [Fact]
    public void Tortuous_message_reads_the_values_a_phone_meant()
    {
        var message = (SipRequest)SipMessageParser.Parse(TortureCase.Load("valid-tortuous-short").Bytes);

        Assert.Equal("1918181833n", message.To.Tag);
        Assert.Equal("98asjd8", message.From.Tag);
        Assert.Equal("J Rosenberg \\\"", message.From.DisplayName);
        Assert.Equal(new CSeqHeader(9, "INVITE"), message.CSeq);
        Assert.Equal(68, message.MaxForwards);
        Assert.Equal(["z9hG4bK390skdjuw", "z9hG4bK9ikj8", "z9hG4bK30239"], message.Vias.Select(v => v.Branch));
        Assert.Equal("TCP", message.Vias[1].Transport);
        Assert.Equal("0.33", message.Contacts.Single().Parameters["q"]);
        Assert.Equal("newfangled value continued newfangled value", message.Header("NewFangledHeader"));
        Assert.Equal("", message.Header(HeaderNames.Subject));
        Assert.StartsWith("v=0", message.BodyText, StringComparison.Ordinal);
    }

    [Fact]
    public void Ipv6_literals_keep_their_brackets_and_port()
    {
        var message = (SipRequest)SipMessageParser.Parse(TortureCase.Load("valid-ipv6").Bytes);

        Assert.Equal("[2001:db8::10]", message.Uri.Host);
        Assert.Equal(5070, message.Uri.Port);
        Assert.Equal("2001:db8::10", message.Uri.HostWithoutBrackets);
        Assert.Equal("[2001:db8::9:1]", message.TopVia.Host);
        Assert.Equal("[2001:db8::9:255]", message.TopVia.Parameters["received"]);
        Assert.Equal("[2001:db8::1]", message.Contacts[0].Uri.Host);
    }

    [Fact]
    public void Bytes_past_content_length_are_dropped_and_missing_length_takes_the_rest()
    {
        Assert.Equal("abcd", SipMessageParser.Parse(TortureCase.Load("valid-trailing-bytes").Bytes).BodyText);
        Assert.Equal("hello\r\n", SipMessageParser.Parse(TortureCase.Load("valid-no-content-length-udp").Bytes).BodyText);
    }

    [Fact]
    public void Contact_lists_split_outside_quotes_and_the_wildcard_stands_alone()
    {
        var multi = SipMessageParser.Parse(TortureCase.Load("valid-multi-contact").Bytes);
        Assert.Equal(["desk", "mobile", "third"], multi.Contacts.Select(c => c.Uri.User));
        Assert.Equal("Desk, Main", multi.Contacts[0].DisplayName);
        Assert.Equal("0.1", multi.Contacts[2].Parameters["q"]);

        var star = SipMessageParser.Parse(TortureCase.Load("valid-contact-star").Bytes);
        Assert.True(star.IsContactWildcard);
        Assert.Empty(star.Contacts);
    }

    [Fact]
    public void Failed_request_keeps_enough_to_answer_400()
    {
        var error = Assert.Throws<SipParseException>(() => SipMessageParser.Parse(TortureCase.Load("invalid-cseq-too-large").Bytes));

        Assert.NotNull(error.PartialRequest);
        Assert.Equal("REGISTER", error.PartialRequest!.Method);
        Assert.Equal("scalar02.23o0pd9vanlq3wnrlnewofjas9ui32", error.PartialRequest.Header(HeaderNames.CallId));
    }
}
