using Ncco.Sip.Messages;
using Ncco.Sip.Tests.Support;

namespace Ncco.Sip.Tests.Messages;

/// <summary>Responses built from requests (RFC 3261 §8.2.6, §12.1.1).</summary>
public sealed class SipResponseTests
{
    private static SipRequest Proxied(string method) =>
        Requests.Make(method, "z9hG4bK-1").AddHeader(HeaderNames.RecordRoute, "<sip:10.0.0.1;lr>").AddHeader(HeaderNames.RecordRoute, "<sip:10.0.0.2;lr;ftag=x>");

    [Theory]
    [InlineData(180)]
    [InlineData(200)]
    public void A_response_that_can_establish_a_dialog_copies_the_record_route_values_in_order(int status)
    {
        var response = SipResponse.For(Proxied("INVITE"), status, toTag: "t1");

        Assert.Equal(["<sip:10.0.0.1;lr>", "<sip:10.0.0.2;lr;ftag=x>"], response.Headers.Where(h => h.Is(HeaderNames.RecordRoute)).Select(h => h.Value));
    }

    [Theory]
    [InlineData("INVITE", 100)]
    [InlineData("INVITE", 486)]
    [InlineData("OPTIONS", 200)]
    [InlineData("BYE", 200)]
    public void Other_responses_carry_no_record_route(string method, int status)
    {
        var response = SipResponse.For(Proxied(method), status, toTag: "t1");

        Assert.DoesNotContain(response.Headers, h => h.Is(HeaderNames.RecordRoute));
    }
}
