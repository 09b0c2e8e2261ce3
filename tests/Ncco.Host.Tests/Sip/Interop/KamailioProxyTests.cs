using System.Globalization;
using System.Text.Json;
using Ncco.Tests.Shared;

namespace Ncco.Host.Tests.Sip.Interop;

/// <summary>Kamailio as a record-routing proxy in front of the host; a SIPp caller reaches the demo IVR through it.</summary>
public sealed class KamailioProxyTests : IAsyncLifetime
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);
    private DemoSipHost _host = null!;

    public async Task InitializeAsync() => _host = await DemoSipHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task A_call_through_kamailio_reaches_the_demo_and_the_hosts_bye_goes_back_through_the_proxy()
    {
        await using var proxy = await Kamailio.StartAsync("demo", _host.Sip);
        var ic = CultureInfo.InvariantCulture;
        // The scenario checks the SIP side: the 200 came back through the proxy with its Record-Route, the ACK follows
        // the route set, and the host's BYE (after the key 3 → goodbye) is marked by the proxy, so it went through it.
        var sipp = Sipp.RunAsync([.. Sipp.Common(Sipp.FreeUdpPort()), "-mp", (_host.RtpFirst + 50).ToString(ic),
            "-sf", Path.Combine(AppContext.BaseDirectory, "Sip", "Interop", "Scenarios", "uac-via-proxy-press-3.xml"),
            "-s", "demo", $"127.0.0.1:{proxy.Port.ToString(ic)}"], Limit);

        var leg = await Sipp.Before(_host.WaitForCallAsync(c => c.Direction == "inbound", Limit, "inbound"), sipp, Limit);
        var result = await sipp;
        Assert.True(result.ExitCode == 0, $"SIPp exit {result.ExitCode}:\n{result.Output}\nKamailio:\n{proxy.Output()}");

        Assert.Equal("447700900111", leg.From?.Value);
        await _host.WaitForEventAsync(leg.Uuid, "answered", Limit);
        using (var input = JsonDocument.Parse(await _host.WaitForEventAsync(leg.Uuid, "input", Limit)))
        {
            Assert.Equal("3", input.RootElement.GetProperty("dtmf").GetProperty("digits").GetString());
        }
        using var completed = JsonDocument.Parse(await _host.WaitForEventAsync(leg.Uuid, "completed", Limit));
        Assert.Equal("platform", completed.RootElement.GetProperty("disconnected_by").GetString());
    }
}
