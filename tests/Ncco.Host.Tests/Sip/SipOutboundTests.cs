using System.Globalization;
using Ncco.Tests.Shared;

namespace Ncco.Host.Tests.Sip;

/// <summary>The host calling SIPp callees (REST <c>to</c> with a <c>sip</c> endpoint), over loopback.</summary>
public sealed class SipOutboundTests : IAsyncLifetime
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);
    private SipHostHarness _h = null!;

    public async Task InitializeAsync() => _h = await SipHostHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private static string Body(string endpoint) =>
        $$"""{"to":[{{endpoint}}],"from":{"type":"phone","number":"447700900000"},"ncco":[{"action":"talk","text":"Hello there."}]}""";

    [Fact]
    public async Task A_call_to_a_sip_uri_sends_the_headers_rings_is_answered_and_completes_with_our_bye()
    {
        var port = Sipp.FreeUdpPort();
        var sipp = Sipp.RunAsync([.. Sipp.Common(port), "-sf", Sipp.Scenario("Sip/Scenarios/uas-answer-check-headers.xml")], Limit);
        // SIPp may not be bound yet: the INVITE's own retransmissions cover that gap.
        var uuid = await _h.CreateCallAsync(Body($$$"""{"type":"sip","uri":"sip:bob@127.0.0.1:{{{port.ToString(CultureInfo.InvariantCulture)}}}","headers":{"Customer-Id":"cust-7"},"standard_headers":{"User-to-User":"aabbcc;encoding=hex"}}"""));

        await Sipp.Before(_h.App.WaitForStatusAsync(uuid, "ringing", Limit), sipp, Limit);
        await _h.App.WaitForStatusAsync(uuid, "answered", Limit);
        var completed = (await _h.App.WaitForStatusAsync(uuid, "completed", Limit)).Json!.Value;
        var result = await sipp;
        Assert.True(result.ExitCode == 0, $"SIPp exit {result.ExitCode}:\n{result.Output}");
        Assert.Equal("platform", completed.GetProperty("disconnected_by").GetString());
    }

    [Fact]
    public async Task A_call_given_as_user_and_domain_to_a_busy_callee_reports_busy_with_486()
    {
        var port = Sipp.FreeUdpPort();
        var sipp = Sipp.RunAsync([.. Sipp.Common(port), "-sf", Sipp.Scenario("Sip/Scenarios/uas-busy.xml")], Limit);
        var uuid = await _h.CreateCallAsync(Body($$"""{"type":"sip","user":"carol","domain":"127.0.0.1:{{port.ToString(CultureInfo.InvariantCulture)}}"}"""));

        var busy = (await Sipp.Before(_h.App.WaitForStatusAsync(uuid, "busy", Limit), sipp, Limit)).Json!.Value;
        var result = await sipp;
        Assert.True(result.ExitCode == 0, $"SIPp exit {result.ExitCode}:\n{result.Output}");
        Assert.Equal(486, busy.GetProperty("sip_code").GetInt32());
        Assert.DoesNotContain(_h.App.All, w => w.Json is { } j && j.TryGetProperty("status", out var s) && s.GetString() == "answered");
    }

    [Theory]
    [InlineData("uas-decline.xml", "dave", "rejected", 603, "declined")]
    [InlineData("uas-server-error.xml", "frank", "failed", 500, "internal_error")]
    public async Task A_callee_refusing_reports_the_documented_status_with_its_own_sip_code(string scenario, string user, string status, int sipCode, string detail)
    {
        var port = Sipp.FreeUdpPort();
        var sipp = Sipp.RunAsync([.. Sipp.Common(port), "-sf", Sipp.Scenario("Sip/Scenarios/" + scenario)], Limit);
        var uuid = await _h.CreateCallAsync(Body($$"""{"type":"sip","uri":"sip:{{user}}@127.0.0.1:{{port.ToString(CultureInfo.InvariantCulture)}}"}"""));

        var reported = (await Sipp.Before(_h.App.WaitForStatusAsync(uuid, status, Limit), sipp, Limit)).Json!.Value;
        var result = await sipp;
        Assert.True(result.ExitCode == 0, $"SIPp exit {result.ExitCode}:\n{result.Output}");
        Assert.Equal(sipCode, reported.GetProperty("sip_code").GetInt32());
        Assert.Equal(detail, reported.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_callee_ringing_past_the_ringing_timer_is_cancelled_and_reports_timeout()
    {
        var port = Sipp.FreeUdpPort();
        var sipp = Sipp.RunAsync([.. Sipp.Common(port), "-sf", Sipp.Scenario("Sip/Scenarios/uas-ring-until-cancel.xml")], Limit);
        var uuid = await _h.CreateCallAsync($$"""
            {"to":[{"type":"sip","uri":"sip:erin@127.0.0.1:{{port.ToString(CultureInfo.InvariantCulture)}}"}],"from":{"type":"phone","number":"447700900000"},
             "ringing_timer":2,"ncco":[{"action":"talk","text":"never heard"}]}
            """);

        await Sipp.Before(_h.App.WaitForStatusAsync(uuid, "ringing", Limit), sipp, Limit);
        await _h.App.WaitForStatusAsync(uuid, "timeout", Limit);
        // SIPp ends cleanly only if our CANCEL came and our ACK answered its 487.
        var result = await sipp;
        Assert.True(result.ExitCode == 0, $"SIPp exit {result.ExitCode}:\n{result.Output}");
        Assert.DoesNotContain(_h.App.All, w => w.Json is { } j && j.TryGetProperty("status", out var s) && s.GetString() == "answered");
    }
}
