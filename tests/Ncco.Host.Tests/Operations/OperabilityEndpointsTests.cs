using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Ncco.Host.Calls;
using Ncco.Host.Observability;
using Ncco.Host.Operations;

namespace Ncco.Host.Tests.Operations;

public sealed class OperabilityEndpointsTests : IAsyncLifetime
{
    private readonly FakeLiveCalls _calls = new();
    private TestHostFixture _host = null!;

    public async Task InitializeAsync() =>
        _host = await TestHostFixture.StartAsync(
            configure: b =>
            {
                b.AddNccoOperability();
                b.AddNccoOperability();
                b.Services.AddSingleton<ILiveCalls>(_calls);
            },
            configureApp: a =>
            {
                a.MapNccoOperability();
                a.MapNccoOperability();
            });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Metrics_are_served_in_the_prometheus_text_format()
    {
        _host.Services.GetRequiredService<NccoMetrics>().CallStarted("outbound", "websocket");

        using var response = await _host.Client.GetAsync(new Uri("/metrics", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        var text = PrometheusText.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(1, text.Value("ncco_calls_started_total", ("direction", "outbound"), ("endpoint_type", "websocket")));
        Assert.Equal(1, text.Value("ncco_calls_active"));
    }

    [Fact]
    public async Task Live_is_ok_and_ready_until_draining()
    {
        Assert.Equal("ok", await StatusOf("/health/live", HttpStatusCode.OK));
        Assert.Equal("ready", await StatusOf("/health/ready", HttpStatusCode.OK));

        _calls.BeginDrain();

        Assert.Equal("draining", await StatusOf("/health/ready", HttpStatusCode.ServiceUnavailable));
        Assert.Equal("ok", await StatusOf("/health/live", HttpStatusCode.OK));
    }

    [Fact]
    public async Task The_openapi_document_describes_the_rest_api()
    {
        using var response = await _host.Client.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = document.RootElement;
        Assert.StartsWith("3.", root.GetProperty("openapi").GetString());
        Assert.Equal("Ncco Voice API", root.GetProperty("info").GetProperty("title").GetString());
        var paths = root.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/v2/applications", out var applications));
        Assert.True(paths.TryGetProperty("/v2/applications/{id}", out _));
        Assert.False(paths.TryGetProperty("/metrics", out _));
        Assert.False(paths.TryGetProperty("/health/ready", out _));
        Assert.False(paths.TryGetProperty("/health", out _));
        Assert.Equal("basic", root.GetProperty("components").GetProperty("securitySchemes").GetProperty("basicAuth").GetProperty("scheme").GetString());
        Assert.True(applications.GetProperty("get").GetProperty("security")[0].TryGetProperty("basicAuth", out _));
    }

    private async Task<string?> StatusOf(string path, HttpStatusCode expected)
    {
        using var response = await _host.Client.GetAsync(new Uri(path, UriKind.Relative));
        Assert.Equal(expected, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("status").GetString();
    }
}
