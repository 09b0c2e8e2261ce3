using System.Globalization;
using Ncco.Host.Tests.Support;
using Ncco.Tests.Shared;

namespace Ncco.Host.Tests.Sip;

/// <summary>
/// Issue 17: a call from a carrier trunk (SIPp from the trunk's source addresses) that names the dialled number in To
/// and the caller in P-Asserted-Identity reaches the number's application with <c>to</c> the dialled number and
/// <c>from</c> the asserted caller; from anyone else the asserted identity is not believed, and under
/// <c>Ncco:Sip:RequireAuthentication</c> such a caller is refused.
/// </summary>
public sealed class SipTrunkInboundTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    private static readonly string[] Trunk =
    [
        "--Ncco:Sip:Trunks:0:Name=carrier", "--Ncco:Sip:Trunks:0:Address=192.0.2.10:5060", "--Ncco:Sip:Trunks:0:Sources:0=127.0.0.0/8",
        "--Ncco:Sip:Trunks:0:DialledNumber=to", "--Ncco:Sip:RequireAuthentication=true",
    ];

    [Fact]
    public async Task A_trunk_call_is_routed_by_the_number_in_to_and_reports_the_asserted_caller()
    {
        await using var h = await SipHostHarness.StartAsync(Trunk);
        var answer = await CallAsync(h);
        Assert.Equal(SipHostHarness.Number, answer["to"].ToString());
        Assert.Equal("447700900555", answer["from"].ToString());
    }

    [Fact]
    public async Task From_a_peer_that_is_no_trunk_the_asserted_identity_is_not_believed()
    {
        await using var h = await SipHostHarness.StartAsync();
        var answer = await CallAsync(h);
        Assert.Equal(SipHostHarness.Number, answer["to"].ToString());
        Assert.Equal("447700900111", answer["from"].ToString());
    }

    [Fact]
    public async Task With_authentication_required_a_caller_that_is_no_trunk_is_refused_403_and_counted()
    {
        // The trunk's sources are elsewhere: SIPp on loopback is nobody's trunk.
        await using var h = await SipHostHarness.StartAsync("--Ncco:Sip:Trunks:0:Name=carrier", "--Ncco:Sip:Trunks:0:Address=192.0.2.10:5060",
            "--Ncco:Sip:RequireAuthentication=true");
        var target = $"127.0.0.1:{h.Sip.Port.ToString(CultureInfo.InvariantCulture)}";
        var result = await Sipp.RunAsync([.. Sipp.Common(Sipp.FreeUdpPort()), "-sf", Sipp.Scenario("Sip/Scenarios/uac-expect-403.xml"), "-s", SipHostHarness.Number, target], Limit);
        Assert.True(result.ExitCode == 0, $"SIPp exit {result.ExitCode}:\n{result.Output}");
        Assert.DoesNotContain(h.App.All, w => w.Path == "/answer");
        var metrics = await h.Host.Client.GetStringAsync("/metrics");
        Assert.Contains("ncco_calls_refused_total{reason=\"not_authenticated\",transport=\"sip\"} 1\n", metrics, StringComparison.Ordinal);
    }

    private static async Task<Dictionary<string, Microsoft.Extensions.Primitives.StringValues>> CallAsync(SipHostHarness h)
    {
        h.App.Ncco("/answer", """[{"action":"talk","text":"Hello trunk, this sentence keeps the call up while the caller listens.","loop":3}]""");
        var target = $"127.0.0.1:{h.Sip.Port.ToString(CultureInfo.InvariantCulture)}";
        var sipp = Sipp.RunAsync([.. Sipp.Common(Sipp.FreeUdpPort()), "-sf", Sipp.Scenario("Sip/Scenarios/uac-trunk-to-pai.xml"), "-s", SipHostHarness.Number, target], Limit);
        var answer = await Sipp.Before(h.App.WaitForAsync(w => w.Path == "/answer", Limit), sipp, Limit);
        var result = await sipp;
        Assert.True(result.ExitCode == 0, $"SIPp exit {result.ExitCode}:\n{result.Output}");
        return Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(answer.Query);
    }
}
