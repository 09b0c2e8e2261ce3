using Ncco.Rules;

namespace Ncco.Runtime.Tests.Rules;

public class SipUriFormatTests
{
    [Theory]
    [InlineData("sip:alice@[::1]:5060")]
    [InlineData("sip:[2001:db8::1];transport=tcp")]
    [InlineData("sips:bob@[2001:DB8::10.0.0.1]")]
    [InlineData("sip:alice@sip.example.com;transport=tls")]
    [InlineData("SIP:bob@10.0.0.1:5060")]
    public void Accepts_ipv6_and_named_hosts(string uri)
    {
        Assert.Null(FormatChecks.Check(ValueFormat.SipUri, uri));
    }

    [Theory]
    [InlineData("sip:alice@[]:5060", "not an IPv6 address")]
    [InlineData("sip:alice@[::1:5060", "no closing ]")]
    [InlineData("sip:[example.com]", "not an IPv6 address")]
    [InlineData("sip:[::1]x", "after the IPv6 host")]
    [InlineData("sip:alice@", "no host")]
    public void Rejects_broken_hosts(string uri, string reason)
    {
        Assert.Contains(reason, FormatChecks.Check(ValueFormat.SipUri, uri));
    }
}
