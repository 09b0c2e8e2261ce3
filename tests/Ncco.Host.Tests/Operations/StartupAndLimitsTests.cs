using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Ncco.Host.Configuration;
using Ncco.Host.Tests.Support;
using Ncco.Host.Demo;
using Ncco.Host.Operations;

namespace Ncco.Host.Tests.Operations;

/// <summary>Issue 16: readiness waits for start-up artifacts; every endpoint has a body limit; logged bodies are bounded.</summary>
public sealed class StartupAndLimitsTests
{
    [Fact]
    public async Task Ready_is_503_starting_until_the_demo_application_and_its_key_are_provisioned()
    {
        var provisioner = new DemoProvisioner(null!, Options.Create(new DemoOptions { Enabled = true }), Options.Create(new NccoHostOptions()), null!, NullLogger<DemoProvisioner>.Instance);
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(provisioner);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddHealthChecks().AddNccoChecks();
        await using var app = builder.Build();
        app.MapHealthEndpoints();
        await app.StartAsync();
        using var client = app.GetTestClient();

        using (var starting = await client.GetAsync("/health/ready"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, starting.StatusCode);
            Assert.Equal("starting", JsonDocument.Parse(await starting.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetString());
        }
        await provisioner.StartedAsync(CancellationToken.None); // fails here (no store) and is logged: settled either way
        using var ready = await client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }

    [Theory]
    [InlineData("/demo/events")]
    [InlineData("/v1/calls")]
    [InlineData("/v2/applications")]
    public async Task A_body_over_the_limit_gets_413_naming_the_limit_before_it_is_read(string path)
    {
        await using var host = await TestHostFixture.StartAsync(extraArgs: "--Ncco:Limits:MaxRequestBodyBytes=4096");
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes("{\"x\":\"" + new string('a', 10_000) + "\"}"));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var response = await host.Client.PostAsync(path, content);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        var detail = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString();
        Assert.Contains("MaxRequestBodyBytes allows 4096", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_event_posted_to_the_demo_is_logged_bounded()
    {
        var logs = new ListLoggerProvider();
        await using var host = await TestHostFixture.StartAsync(configure: b => b.Logging.AddProvider(logs));
        var big = "{\"status\":\"answered\",\"uuid\":\"u\",\"padding\":\"" + new string('p', 500_000) + "\"}";
        using var response = await host.Client.PostAsync("/demo/events", new StringContent(big, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var line = Assert.Single(logs.Messages, m => m.StartsWith("Demo: event answered", StringComparison.Ordinal));
        Assert.InRange(line.Length, 100, 2048 + 200);
        Assert.Contains("characters in all", line, StringComparison.Ordinal);
    }
}
