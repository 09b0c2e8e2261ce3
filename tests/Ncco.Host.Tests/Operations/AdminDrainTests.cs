using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Ncco.Host.Legs.Sip;

namespace Ncco.Host.Tests.Operations;

/// <summary>
/// <c>/admin/drain</c> takes a running host out of rotation and back: out-of-dialog SIP OPTIONS (a SIP front's
/// probe) and INVITEs get 503, <c>/health/ready</c> 503, and it all comes back on <c>DELETE</c>.
/// </summary>
public sealed class AdminDrainTests
{
    [Fact]
    public async Task Draining_answers_options_and_invites_503_and_readiness_503_until_undrained()
    {
        await using var host = await TestHostFixture.StartAsync(extraArgs: ["--Ncco:Sip:Enabled=true", "--Ncco:Sip:Listen=127.0.0.1:0", "--Ncco:Demo:Enabled=false"]);
        var gateway = host.Services.GetRequiredService<SipGateway>().LocalEndPoint!;

        Assert.Equal(200, await SendAsync(gateway, "OPTIONS"));
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync(new Uri("/health/ready", UriKind.Relative))).StatusCode);

        using (var anonymous = new HttpClient(host.Server.CreateHandler()) { BaseAddress = host.Server.BaseAddress })
        using (var refused = await anonymous.PutAsync(new Uri("/admin/drain", UriKind.Relative), null))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }
        Assert.Equal(200, await SendAsync(gateway, "OPTIONS"));

        using (var drain = await host.Client.PutAsync(new Uri("/admin/drain", UriKind.Relative), null))
        {
            Assert.Equal(HttpStatusCode.OK, drain.StatusCode);
            var state = JsonDocument.Parse(await drain.Content.ReadAsStringAsync()).RootElement;
            Assert.True(state.GetProperty("draining").GetBoolean());
            Assert.False(state.GetProperty("shutting_down").GetBoolean());
            Assert.Equal(0, state.GetProperty("active_legs").GetInt32());
        }
        Assert.Equal(503, await SendAsync(gateway, "OPTIONS"));
        Assert.Equal(503, await SendAsync(gateway, "INVITE"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await host.Client.GetAsync(new Uri("/health/ready", UriKind.Relative))).StatusCode);
        using (var read = await host.Client.GetAsync(new Uri("/admin/drain", UriKind.Relative)))
        {
            Assert.True(JsonDocument.Parse(await read.Content.ReadAsStringAsync()).RootElement.GetProperty("draining").GetBoolean());
        }

        using (var undrain = await host.Client.DeleteAsync(new Uri("/admin/drain", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, undrain.StatusCode);
            Assert.False(JsonDocument.Parse(await undrain.Content.ReadAsStringAsync()).RootElement.GetProperty("draining").GetBoolean());
        }
        Assert.Equal(200, await SendAsync(gateway, "OPTIONS"));
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync(new Uri("/health/ready", UriKind.Relative))).StatusCode);
    }

    /// <summary>Sends an out-of-dialog request over UDP and returns its final status code.</summary>
    private static async Task<int> SendAsync(IPEndPoint gateway, string method)
    {
        using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var local = (IPEndPoint)udp.Client.LocalEndPoint!;
        var callId = Guid.NewGuid().ToString("N");
        var request = $"{method} sip:nobody@{gateway} SIP/2.0\r\n" +
            $"Via: SIP/2.0/UDP {local};branch=z9hG4bK{callId};rport\r\n" +
            "Max-Forwards: 70\r\n" +
            $"From: <sip:probe@{local}>;tag={callId[..8]}\r\n" +
            $"To: <sip:nobody@{gateway}>\r\n" +
            $"Call-ID: {callId}@127.0.0.1\r\n" +
            $"CSeq: 1 {method}\r\n" +
            $"Contact: <sip:probe@{local}>\r\n" +
            "Content-Length: 0\r\n\r\n";
        await udp.SendAsync(Encoding.ASCII.GetBytes(request), gateway);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            var datagram = await udp.ReceiveAsync(timeout.Token);
            var code = int.Parse(Encoding.ASCII.GetString(datagram.Buffer).Split("\r\n")[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
            if (code >= 200) return code;
        }
    }
}
