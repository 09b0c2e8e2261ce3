using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Ncco.Host.Configuration;

namespace Ncco.Host.Tests.Operations;

/// <summary>
/// Issue 16, open by default: /metrics and /openapi/v1.json answer anyone on loopback and need the API key and secret on
/// other addresses unless Ncco:RemoteAccess opens them; the demo is off on a non-loopback bind unless asked for.
/// </summary>
public sealed class RemoteAccessTests
{
    private static readonly IPAddress Lan = IPAddress.Parse("10.1.2.3");

    private static async Task<int> Get(TestHostFixture host, string path, IPAddress local, bool signedIn = false)
    {
        var context = await host.Server.SendAsync(c =>
        {
            c.Connection.LocalIpAddress = local;
            c.Connection.RemoteIpAddress = IPAddress.Parse("10.9.9.9");
            c.Request.Method = "GET";
            c.Request.Path = path;
            if (signedIn) c.Request.Headers.Authorization = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(TestHostFixture.ApiKey + ":" + TestHostFixture.ApiSecret));
        });
        return context.Response.StatusCode;
    }

    [Theory]
    [InlineData("/metrics")]
    [InlineData("/openapi/v1.json")]
    public async Task Operator_endpoints_are_open_on_loopback_and_need_credentials_elsewhere(string path)
    {
        await using var host = await TestHostFixture.StartAsync(extraArgs: "--Ncco:Demo:Enabled=false");
        Assert.Equal(200, await Get(host, path, IPAddress.Loopback));
        Assert.Equal(200, await Get(host, path, IPAddress.IPv6Loopback));
        Assert.Equal(401, await Get(host, path, Lan));
        Assert.Equal(200, await Get(host, path, Lan, signedIn: true));
        // Health probes stay open for load balancers.
        Assert.Equal(200, await Get(host, "/health/live", Lan));
    }

    [Theory]
    [InlineData("/metrics", "--Ncco:RemoteAccess:AnonymousMetrics=true", "/openapi/v1.json")]
    [InlineData("/openapi/v1.json", "--Ncco:RemoteAccess:AnonymousOpenApi=true", "/metrics")]
    public async Task Each_can_be_opened_alone(string opened, string setting, string stillClosed)
    {
        await using var host = await TestHostFixture.StartAsync(extraArgs: ["--Ncco:Demo:Enabled=false", setting]);
        Assert.Equal(200, await Get(host, opened, Lan));
        Assert.Equal(401, await Get(host, stillClosed, Lan));
    }

    [Fact]
    public async Task The_demo_is_off_on_a_non_loopback_bind_unless_asked_for()
    {
        await using (var exposed = await TestHostFixture.StartAsync(extraArgs: "--urls=http://0.0.0.0:8080"))
        {
            Assert.Equal(404, await Get(exposed, "/demo/answer", IPAddress.Loopback));
        }
        await using (var asked = await TestHostFixture.StartAsync(extraArgs: ["--urls=http://0.0.0.0:8080", "--Ncco:Demo:Enabled=true"]))
        {
            Assert.Equal(200, await Get(asked, "/demo/answer", IPAddress.Loopback));
        }
        await using var local = await TestHostFixture.StartAsync(extraArgs: "--urls=http://127.0.0.1:8080");
        Assert.Equal(200, await Get(local, "/demo/answer", IPAddress.Loopback));
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080", true)]
    [InlineData("http://localhost:5000", true)]
    [InlineData("https://[::1]:443/", true)]
    [InlineData("http://127.0.0.2:0", true)]
    [InlineData("http://0.0.0.0:8080", false)]
    [InlineData("http://*:80", false)]
    [InlineData("http://+:80", false)]
    [InlineData("http://[::]:80", false)]
    [InlineData("http://10.0.0.4:80", false)]
    [InlineData("http://voice.example.com:80", false)]
    public void Listen_urls_are_read_as_loopback_or_not(string url, bool loopback) =>
        Assert.Equal(loopback, ListenAddresses.IsLoopbackUrl(url));

    [Theory]
    [InlineData(null, null, null, false)]
    [InlineData("http://127.0.0.1:8080;http://localhost:9000", null, null, false)]
    [InlineData("http://127.0.0.1:8080;http://0.0.0.0:9000", null, null, true)]
    [InlineData(null, "8080", null, true)]
    [InlineData(null, null, "http://*:5001", true)]
    public void Any_remote_listen_address_is_found(string? urls, string? httpPorts, string? kestrelUrl, bool remote)
    {
        var values = new Dictionary<string, string?> { ["urls"] = urls, ["http_ports"] = httpPorts, ["Kestrel:Endpoints:Http:Url"] = kestrelUrl };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values.Where(p => p.Value is not null)).Build();
        Assert.Equal(remote, ListenAddresses.AnyRemote(configuration));
    }
}
