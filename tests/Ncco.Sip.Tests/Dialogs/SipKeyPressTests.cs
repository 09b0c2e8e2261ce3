using Ncco.Sip.Dialogs;

namespace Ncco.Sip.Tests.Dialogs;

/// <summary>Issue 17: keys signalled in SIP INFO bodies.</summary>
public class SipKeyPressTests
{
    [Theory]
    [InlineData("application/dtmf-relay", "Signal=5\r\nDuration=160\r\n", '5', 160)]
    [InlineData("application/dtmf-relay", "Signal= #\nDuration= 250", '#', 250)]
    [InlineData("Application/DTMF-Relay; charset=utf-8", "signal=*", '*', SipKeyPress.DefaultDurationMilliseconds)]
    [InlineData("application/dtmf-relay", "Signal=11\r\nDuration=100", '#', 100)]
    [InlineData("application/dtmf-relay", "Signal=a\r\nDuration=999999", 'A', SipKeyPress.MaxDurationMilliseconds)]
    [InlineData("application/dtmf-relay", "Foo=bar\r\nSignal=0", '0', SipKeyPress.DefaultDurationMilliseconds)]
    [InlineData("application/dtmf", "7\r\n", '7', SipKeyPress.DefaultDurationMilliseconds)]
    [InlineData("application/dtmf", "10", '*', SipKeyPress.DefaultDurationMilliseconds)]
    public void A_key_is_read_from_either_body(string contentType, string body, char digit, int duration)
    {
        Assert.True(SipKeyPress.IsKeyContentType(contentType));
        Assert.True(SipKeyPress.TryParse(contentType, body, out var key, out var error), error);
        Assert.Equal(new SipKeyPress(digit, duration), key);
    }

    [Theory]
    [InlineData("application/dtmf-relay", "Signal=Z\r\nDuration=160", "Signal: 'Z'")]
    [InlineData("application/dtmf-relay", "Signal=5\r\nDuration=-3", "Duration: '-3'")]
    [InlineData("application/dtmf-relay", "Signal=5\r\nDuration=abc", "Duration: 'abc'")]
    [InlineData("application/dtmf-relay", "Duration=160", "no Signal line")]
    [InlineData("application/dtmf-relay", "", "no Signal line")]
    [InlineData("application/dtmf", "55", "'55' is not a key")]
    [InlineData("application/dtmf", "", "'' is not a key")]
    [InlineData("application/dtmf", "5\r\n6", "'5??6' is not a key")]
    [InlineData("text/plain", "5", "does not carry a key")]
    public void A_body_that_is_not_a_key_is_refused_naming_the_field(string contentType, string body, string reason)
    {
        Assert.False(SipKeyPress.TryParse(contentType, body, out _, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
        Assert.DoesNotContain('\r', error);
        Assert.DoesNotContain('\n', error);
    }

    [Fact]
    public void Other_content_types_are_not_keys()
    {
        Assert.False(SipKeyPress.IsKeyContentType(null));
        Assert.False(SipKeyPress.IsKeyContentType("application/sdp"));
        Assert.False(SipKeyPress.IsKeyContentType("application/media_control+xml"));
    }
}
