using System.Globalization;
using Ncco.Host.Tests.Support;
using Ncco.Tests.Shared;

namespace Ncco.Host.Tests.Sip;

/// <summary>Issue 17: a call whose offer cannot be answered is refused with 488 before any 180 or answer webhook.</summary>
public sealed class SipOfferCheckTests
{
    [Fact]
    public async Task An_offer_without_a_common_codec_gets_488_with_no_ringing_and_no_webhook()
    {
        await using var h = await SipHostHarness.StartAsync();
        h.App.Ncco("/answer", """[{"action":"talk","text":"never heard"}]""");
        var target = $"127.0.0.1:{h.Sip.Port.ToString(CultureInfo.InvariantCulture)}";
        var result = await Sipp.RunAsync([.. Sipp.Common(Sipp.FreeUdpPort()), "-sf", Sipp.Scenario("Sip/Scenarios/uac-g729-expect-488.xml"), "-s", SipHostHarness.Number, target], TimeSpan.FromSeconds(30));
        Assert.True(result.ExitCode == 0, $"SIPp exit {result.ExitCode}:\n{result.Output}");
        Assert.DoesNotContain(h.App.All, w => w.Path == "/answer");
        Assert.DoesNotContain(h.App.All, w => w.Body.Contains("\"answered\"", StringComparison.Ordinal));
    }
}
