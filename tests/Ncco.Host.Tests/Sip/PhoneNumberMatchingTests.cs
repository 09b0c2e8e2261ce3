using System.Text;
using Ncco.Host.Legs.Sip;
using Ncco.Sip.Messages;
using Ncco.Sip.Parsing;

namespace Ncco.Host.Tests.Sip;

/// <summary>Issue 17: numbers as carriers and PBXs write them, and the caller as a trusted trunk or anyone else asserts it.</summary>
public class PhoneNumberMatchingTests
{
    private static SipRequest Invite(string uri, string to, string from, params string[] headers)
    {
        var text = $"INVITE {uri} SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK1\r\nFrom: {from};tag=a\r\nTo: {to}\r\n" +
            $"Call-ID: c1\r\nCSeq: 1 INVITE\r\nMax-Forwards: 70\r\n{string.Concat(headers.Select(h => h + "\r\n"))}Content-Length: 0\r\n\r\n";
        return (SipRequest)SipMessageParser.Parse(Encoding.UTF8.GetBytes(text));
    }

    [Theory]
    [InlineData("sip:+447700900123@carrier.example", null, "447700900123")]
    [InlineData("sip:447700900123@carrier.example;user=phone", null, "447700900123")]
    [InlineData("sip:+44-7700-900123;npdi@carrier.example;user=phone", null, "447700900123")]
    [InlineData("tel:+44-7700-900.123", null, "447700900123")]
    [InlineData("tel:+44(0)7700900123", null, "4407700900123")]
    [InlineData("sip:00447700900123@pbx.example", null, "447700900123")]
    [InlineData("sip:07700900123@pbx.example", "44", "447700900123")]
    [InlineData("sip:07700900123@pbx.example", null, "07700900123")]
    [InlineData("sip:+07700900123@pbx.example", "44", "07700900123")]
    [InlineData("sip:%2B447700900123@carrier.example", null, "447700900123")]
    [InlineData("sip:alice@pbx.example", "44", null)]
    [InlineData("sip:pbx.example", "44", null)]
    [InlineData("sip:1234567890123456@carrier.example", null, null)]
    [InlineData("urn:service:sos", null, null)]
    public void A_number_in_a_uri_becomes_e164_digits(string uri, string? countryCode, string? expected) =>
        Assert.Equal(expected, PhoneNumbers.FromUri(SipUri.Parse(uri), countryCode));

    [Theory]
    [InlineData(DialledNumberSource.RequestUri, "447700900001")]
    [InlineData(DialledNumberSource.To, "447700900002")]
    [InlineData(DialledNumberSource.Diversion, "447700900004")]
    [InlineData(DialledNumberSource.HistoryInfo, "447700900005")]
    public void The_dialled_number_is_taken_where_the_trunk_puts_it(DialledNumberSource source, string expected)
    {
        var invite = Invite("sip:+447700900001@ncco.example", "<sip:+447700900002@ncco.example>", "<sip:+447700900009@carrier.example>",
            "Diversion: <sip:+447700900003@carrier.example>;reason=unconditional, <sip:+447700900004@carrier.example>;reason=user-busy",
            "History-Info: <sip:+447700900005@carrier.example>;index=1, <sip:trunkuser@ncco.example>;index=1.1");
        Assert.Equal(expected, PhoneNumbers.Dialled(invite, source, null));
    }

    [Fact]
    public void A_trunk_registered_with_a_user_name_falls_back_to_to_when_the_request_uri_holds_no_number()
    {
        var invite = Invite("sip:trunkuser@192.0.2.10:5060", "<sip:07700900123@carrier.example>", "<sip:+447700900009@carrier.example>");
        Assert.Equal("447700900123", PhoneNumbers.Dialled(invite, DialledNumberSource.RequestUri, "44"));
        Assert.Equal("447700900123", PhoneNumbers.Dialled(invite, DialledNumberSource.Diversion, "44"));
    }

    [Theory]
    [InlineData(true, "447700900555")]
    [InlineData(false, "447700900009")]
    public void The_caller_is_the_asserted_identity_only_from_a_trusted_trunk(bool trusted, string expected)
    {
        var invite = Invite("sip:+447700900001@ncco.example", "<sip:+447700900001@ncco.example>", "\"Someone\" <sip:+447700900009@carrier.example>",
            "P-Asserted-Identity: \"Real, Caller\" <sip:+447700900555@carrier.example>, <tel:+447700900556>");
        Assert.Equal(expected, CallerIdentity.Of(invite, trusted, null));
    }

    [Fact]
    public void Remote_party_id_is_used_when_a_trusted_trunk_sends_no_asserted_identity_unless_it_asks_for_privacy()
    {
        var shown = Invite("sip:1@ncco.example", "<sip:1@ncco.example>", "<sip:+447700900009@carrier.example>",
            "Remote-Party-ID: <sip:+447700900777@carrier.example>;party=calling;privacy=off;screen=yes");
        Assert.Equal("447700900777", CallerIdentity.Of(shown, trusted: true, null));
        var hidden = Invite("sip:1@ncco.example", "<sip:1@ncco.example>", "<sip:+447700900009@carrier.example>",
            "Remote-Party-ID: <sip:+447700900777@carrier.example>;party=calling;privacy=full");
        Assert.Equal("447700900009", CallerIdentity.Of(hidden, trusted: true, null));
    }

    [Theory]
    [InlineData("<sip:anonymous@anonymous.invalid>")]
    [InlineData("\"Anonymous\" <sip:anonymous@carrier.example>")]
    public void A_withheld_caller_is_reported_as_vonage_does(string from)
    {
        var invite = Invite("sip:+447700900001@ncco.example", "<sip:+447700900001@ncco.example>", from,
            "P-Asserted-Identity: <sip:+447700900555@carrier.example>");
        Assert.Equal(CallerIdentity.Anonymous, CallerIdentity.Of(invite, trusted: true, null));
    }

    [Fact]
    public void Privacy_id_withholds_even_an_asserted_identity()
    {
        var invite = Invite("sip:+447700900001@ncco.example", "<sip:+447700900001@ncco.example>", "<sip:+447700900009@carrier.example>",
            "P-Asserted-Identity: <sip:+447700900555@carrier.example>", "Privacy: id;critical");
        Assert.Equal(CallerIdentity.Anonymous, CallerIdentity.Of(invite, trusted: true, null));
    }

    [Fact]
    public void A_user_name_caller_stays_a_user_name_and_a_national_caller_becomes_e164()
    {
        Assert.Equal("alice", CallerIdentity.Of(Invite("sip:demo@ncco.example", "<sip:demo@ncco.example>", "<sip:alice@pbx.example>"), false, "44"));
        Assert.Equal("447700900009", CallerIdentity.Of(Invite("sip:demo@ncco.example", "<sip:demo@ncco.example>", "<sip:07700900009@pbx.example>"), false, "44"));
    }

    [Theory]
    [InlineData("Sources:0", "10.0.0.0/33", "Sources")]
    [InlineData("Sources:0", "carrier.example", "Sources")]
    [InlineData("DialledNumber", "p-called-party-id", "DialledNumber")]
    [InlineData("CountryCode", "044", "CountryCode")]
    [InlineData("Privacy", "id;secret", "Privacy")]
    public void A_bad_trunk_setting_fails_the_start_naming_it(string key, string value, string named)
    {
        var options = new SipTrunkOptions { Name = "carrier", Address = "192.0.2.10:5060" };
        switch (key)
        {
            case "Sources:0": options.Sources = [value]; break;
            case "DialledNumber": options.DialledNumber = value; break;
            case "CountryCode": options.CountryCode = value; break;
            default: options.Privacy = value; break;
        }
        var e = Assert.Throws<InvalidOperationException>(() => SipTrunk.From(options, 0));
        Assert.Contains($"Trunks:0:{named}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_trunk_s_sources_default_to_its_address_and_take_cidr_blocks()
    {
        var byAddress = SipTrunk.From(new SipTrunkOptions { Name = "a", Address = "192.0.2.10:5060" }, 0);
        Assert.True(byAddress.IsSource(System.Net.IPAddress.Parse("192.0.2.10")));
        Assert.True(byAddress.IsSource(System.Net.IPAddress.Parse("::ffff:192.0.2.10")));
        Assert.False(byAddress.IsSource(System.Net.IPAddress.Parse("192.0.2.11")));
        var byName = SipTrunk.From(new SipTrunkOptions { Name = "b", Address = "sip.carrier.example:5060" }, 0);
        Assert.Empty(byName.Sources);
        var byBlock = SipTrunk.From(new SipTrunkOptions { Name = "c", Address = "sip.carrier.example:5060", Sources = ["203.0.113.0/24", "2001:db8::1"] }, 0);
        Assert.True(byBlock.IsSource(System.Net.IPAddress.Parse("203.0.113.77")));
        Assert.True(byBlock.IsSource(System.Net.IPAddress.Parse("2001:db8::1")));
        Assert.False(byBlock.IsSource(System.Net.IPAddress.Parse("203.0.114.1")));
    }
}
