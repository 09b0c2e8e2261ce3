using System.Net;
using System.Net.Sockets;
using Ncco.Host.Calls;
using Ncco.Host.Tests.Support;

namespace Ncco.Host.Tests.Calls;

/// <summary>Issue 16, SSRF: <c>Ncco:Webhooks:AllowedNetworks</c> decides where application-named URLs may connect.</summary>
public sealed class WebhookAddressPolicyTests
{
    [Theory]
    [InlineData("169.254.169.254", false)] // cloud metadata
    [InlineData("fd00:ec2::254", false)] // AWS IMDS over IPv6: in fc00::/7, yet never opened by "private"
    [InlineData("100.100.100.200", false)]
    [InlineData("fe80::1", false)]
    [InlineData("0.0.0.0", false)]
    [InlineData("224.0.0.1", false)]
    [InlineData("127.0.0.1", true)]
    [InlineData("127.0.0.2", true)]
    [InlineData("::1", true)]
    [InlineData("::ffff:127.0.0.1", true)]
    [InlineData("::ffff:169.254.169.254", false)] // mapped addresses are judged as what they map to
    [InlineData("10.1.2.3", true)]
    [InlineData("192.168.0.10", true)]
    [InlineData("fd12:3456::1", true)]
    [InlineData("8.8.8.8", true)]
    [InlineData("2001:4860:4860::8888", true)]
    public void The_developer_default_allows_public_private_and_loopback_but_never_link_local_or_metadata(string address, bool allowed) =>
        Assert.Equal(allowed, new WebhookAddressPolicy(null).IsAllowed(IPAddress.Parse(address)));

    [Theory]
    [InlineData("127.0.0.1", false)]
    [InlineData("10.1.2.3", false)]
    [InlineData("10.9.0.5", true)]
    [InlineData("172.16.5.5", false)]
    [InlineData("169.254.169.254", false)]
    [InlineData("93.184.216.34", true)]
    public void The_production_setting_allows_public_addresses_and_named_blocks_only(string address, bool allowed) =>
        Assert.Equal(allowed, new WebhookAddressPolicy(["public", "10.9.0.0/16"]).IsAllowed(IPAddress.Parse(address)));

    [Fact]
    public void An_unknown_entry_is_a_startup_error_naming_it() =>
        Assert.Contains("'intranet'", Assert.Throws<InvalidOperationException>(() => new WebhookAddressPolicy(["public", "intranet"])).Message, StringComparison.Ordinal);

    [Fact]
    public async Task A_refused_name_is_never_connected_to_and_the_error_names_address_and_setting()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var policy = new WebhookAddressPolicy(["public"]);
        // "localhost" resolves to loopback: checked after resolution, so a name cannot smuggle an internal address.
        var e = await Assert.ThrowsAsync<HttpRequestException>(() => policy.ConnectAsync(new DnsEndPoint("localhost", port), null, CancellationToken.None));
        Assert.Contains("Ncco:Webhooks:AllowedNetworks", e.Message, StringComparison.Ordinal);
        Assert.False(listener.Pending());
        await Assert.ThrowsAsync<HttpRequestException>(() => policy.ConnectAsync(new DnsEndPoint("127.0.0.1", port), new Uri($"http://u:p@127.0.0.1:{port}/"), CancellationToken.None));
        using var allowed = await new WebhookAddressPolicy(null).ConnectAsync(new DnsEndPoint("127.0.0.1", port), null, CancellationToken.None);
        Assert.True(allowed.Connected);
    }

    [Fact]
    public async Task With_public_only_no_webhook_of_a_call_reaches_an_app_on_loopback()
    {
        await using var h = await VoiceApiHarness.StartAsync(extraArgs: "--Ncco:Webhooks:AllowedNetworks:0=public");
        var uuid = await h.CreateCallAsync(new object[] { new { action = "talk", text = "hello" } });
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while ((await h.SendAsync(HttpMethod.Get, "/v1/calls/" + uuid)).Body.GetProperty("status").GetString() != "completed")
        {
            Assert.True(DateTime.UtcNow < deadline, "the call did not complete");
            await Task.Delay(100);
        }
        Assert.Empty(h.App.All);
    }
}
