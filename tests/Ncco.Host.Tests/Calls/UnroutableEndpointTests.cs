using Ncco.Host.Tests.Support;

namespace Ncco.Host.Tests.Calls;

/// <summary>Endpoint types the host cannot place fail at once with the documented event, never a hang.</summary>
public sealed class UnroutableEndpointTests : IAsyncLifetime
{
    private TestHostFixture _host = null!;
    private WebhookAppServer _app = null!;
    private string _id = "";
    private string _key = "";

    public async Task InitializeAsync()
    {
        _app = await WebhookAppServer.StartAsync();
        _host = await TestHostFixture.StartAsync(extraArgs: "--Ncco:Calls:RateLimitPerSecond=0");
        (_id, _key) = await VoiceApiHarness.CreateApplicationAsync(_host, _app);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _app.DisposeAsync();
    }

    [Theory]
    [InlineData("""{"type":"phone","number":"447700900001"}""")]
    [InlineData("""{"type":"sip","uri":"sip:alice@example.com"}""")]
    [InlineData("""{"type":"vbc","extension":"1234"}""")]
    public async Task A_call_to_an_endpoint_this_host_cannot_route_fails_with_cannot_route(string endpoint)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/calls")
        {
            Content = new StringContent($$"""{"to":[{{endpoint}}],"from":{"type":"phone","number":"447700900000"},"ncco":[{"action":"talk","text":"x"}]}""",
                System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new("Bearer", ApplicationJwt.Mint(_id, _key, _host.Time.GetUtcNow()));
        var response = await _host.Client.SendAsync(request);
        Assert.Equal(201, (int)response.StatusCode);
        var uuid = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("uuid").GetString()!;

        var failed = (await _app.WaitForStatusAsync(uuid, "failed", TimeSpan.FromSeconds(5))).Json!.Value;
        Assert.Equal("cannot_route", failed.GetProperty("detail").GetString());
        Assert.Equal(404, failed.GetProperty("sip_code").GetInt32());
    }
}
