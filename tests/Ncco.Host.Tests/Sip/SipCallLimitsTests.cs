using System.Globalization;
using Ncco.Host.Tests.Support;
using Ncco.Tests.Shared;

namespace Ncco.Host.Tests.Sip;

/// <summary>
/// Issue 16, "no cap on concurrent inbound calls": <c>Ncco:Limits</c> answers an INVITE flood with 503 and
/// Retry-After before any webhook or leg, and counts every refusal. SIPp is the caller, over loopback.
/// </summary>
public sealed class SipCallLimitsTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_source_over_its_call_rate_gets_503_with_retry_after_and_no_webhook()
    {
        // One call per 1000 s per source: the first INVITE is admitted (and routed to nobody: 404), the next is over the rate.
        await using var h = await SipHostHarness.StartAsync("--Ncco:Limits:CallsPerSecondPerSource=0.001");
        var target = $"127.0.0.1:{h.Sip.Port.ToString(CultureInfo.InvariantCulture)}";
        var first = await Sipp.RunAsync([.. Sipp.Common(Sipp.FreeUdpPort()), "-sf", Sipp.Scenario("Sip/Scenarios/uac-expect-404.xml"), "-s", "nobody", target], Limit);
        Assert.True(first.ExitCode == 0, $"SIPp exit {first.ExitCode}:\n{first.Output}");

        var refused = await Sipp.RunAsync([.. Sipp.Common(Sipp.FreeUdpPort()), "-sf", Sipp.Scenario("Sip/Scenarios/uac-expect-503-retry-after.xml"), "-s", SipHostHarness.Number, target], Limit);
        Assert.True(refused.ExitCode == 0, $"SIPp exit {refused.ExitCode}:\n{refused.Output}");
        Assert.DoesNotContain(h.App.All, w => w.Path == "/answer");

        var metrics = await h.Host.Client.GetStringAsync("/metrics");
        Assert.Contains("ncco_calls_refused_total{reason=\"source_rate\",transport=\"sip\"} 1\n", metrics, StringComparison.Ordinal);
    }
}
