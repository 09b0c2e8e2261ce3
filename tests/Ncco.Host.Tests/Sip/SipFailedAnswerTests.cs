using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Ncco.Host.Tests.Support;
using Ncco.Tests.Shared;

namespace Ncco.Host.Tests.Sip;

/// <summary>
/// Issue 17: a call the host rang but then could not answer (here every RTP port is taken by another process) is
/// reported to the application as <c>failed</c> — started, ringing, failed with sip_code 503 — never <c>answered</c>.
/// </summary>
public sealed class SipFailedAnswerTests
{
    [Fact]
    public async Task A_call_that_cannot_get_an_rtp_port_is_failed_not_answered()
    {
        using var held = HoldPortPair();
        var first = ((IPEndPoint)held.Rtp.LocalEndPoint!).Port;
        var range = new[] { $"--Ncco:Sip:RtpPortFirst={first}", $"--Ncco:Sip:RtpPortLast={first + 1}" };
        await using var h = await SipHostHarness.StartAsync(range);
        h.App.Ncco("/answer", """[{"action":"talk","text":"never heard"}]""");
        var target = $"127.0.0.1:{h.Sip.Port.ToString(CultureInfo.InvariantCulture)}";
        var result = await Sipp.RunAsync([.. Sipp.Common(Sipp.FreeUdpPort()), "-sf", Sipp.Scenario("Sip/Scenarios/uac-ringing-then-503.xml"), "-s", SipHostHarness.Number, target], TimeSpan.FromSeconds(30));
        Assert.True(result.ExitCode == 0, $"SIPp exit {result.ExitCode}:\n{result.Output}");

        var failed = await h.App.WaitForAsync(w => w.Path == "/events" && w.Body.Contains("\"failed\"", StringComparison.Ordinal), TimeSpan.FromSeconds(10));
        var json = failed.Json!.Value;
        Assert.Equal("internal_error", json.GetProperty("detail").GetString());
        Assert.Equal(503, json.GetProperty("sip_code").GetInt32());
        Assert.Equal("inbound", json.GetProperty("direction").GetString());
        var statuses = h.App.All.Where(w => w.Path == "/events" && w.Json is { } j && j.TryGetProperty("status", out _) && j.GetProperty("uuid").GetString() == json.GetProperty("uuid").GetString())
            .Select(w => w.Json!.Value.GetProperty("status").GetString()).ToList();
        Assert.Equal(["started", "ringing", "failed"], statuses);
        Assert.DoesNotContain(h.App.All, w => w.Body.Contains("\"answered\"", StringComparison.Ordinal) || w.Body.Contains("\"completed\"", StringComparison.Ordinal));
    }

    /// <summary>An even/odd loopback UDP port pair bound by this test, so the host finds its whole RTP range taken.</summary>
    private static PortPair HoldPortPair()
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var port = 30000 + (Random.Shared.Next(0, 5000) * 2);
            var rtp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            var rtcp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            try
            {
                rtp.Bind(new IPEndPoint(IPAddress.Loopback, port));
                rtcp.Bind(new IPEndPoint(IPAddress.Loopback, port + 1));
                return new PortPair(rtp, rtcp);
            }
            catch (SocketException)
            {
                rtp.Dispose();
                rtcp.Dispose();
            }
        }
        throw new InvalidOperationException("no free loopback UDP port pair found");
    }

    private sealed record PortPair(Socket Rtp, Socket Rtcp) : IDisposable
    {
        public void Dispose()
        {
            Rtp.Dispose();
            Rtcp.Dispose();
        }
    }
}
