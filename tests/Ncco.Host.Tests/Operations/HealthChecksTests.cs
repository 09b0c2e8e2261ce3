using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Ncco.Host.Legs.Sip;
using Ncco.Host.MediaPlane;
using Ncco.Host.Operations;

namespace Ncco.Host.Tests.Operations;

public sealed class HealthChecksTests
{
    private static async Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(TestHostFixture host, string path)
    {
        using var response = await host.Client.GetAsync(new Uri(path, UriKind.Relative));
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (response.StatusCode, body.RootElement.Clone());
    }

    [Fact]
    public async Task Ready_runs_the_hosts_own_checks_and_reports_each()
    {
        await using var host = await TestHostFixture.StartAsync();
        var media = host.Services.GetRequiredService<MediaServices>();

        var (status, body) = await GetAsync(host, "/health/ready");

        Assert.Equal(HttpStatusCode.OK, status);
        // The speech engines are installed by .ci/deps/media.sh; without them the host is degraded, not down.
        Assert.Equal(media.MissingEngines.Count == 0 ? "ready" : "degraded", body.GetProperty("status").GetString());
        var checks = body.GetProperty("checks");
        foreach (var name in new[] { NccoHealthChecks.Draining, NccoHealthChecks.Store, NccoHealthChecks.SipListener, NccoHealthChecks.MediaClock })
            Assert.Equal("Healthy", checks.GetProperty(name).GetProperty("status").GetString());
        Assert.Equal("SIP is off", checks.GetProperty(NccoHealthChecks.SipListener).GetProperty("description").GetString());
        Assert.Equal(media.MissingEngines.Count == 0 ? "Healthy" : "Degraded", checks.GetProperty(NccoHealthChecks.SpeechEngines).GetProperty("status").GetString());
    }

    [Fact]
    public async Task The_sip_check_names_where_sip_listens()
    {
        await using var host = await TestHostFixture.StartAsync(extraArgs: ["--Ncco:Sip:Enabled=true", "--Ncco:Sip:Listen=127.0.0.1:0"]);
        var port = host.Services.GetRequiredService<SipGateway>().LocalEndPoint!.Port;

        var (_, body) = await GetAsync(host, "/health/ready");

        var sip = body.GetProperty("checks").GetProperty(NccoHealthChecks.SipListener);
        Assert.Equal("Healthy", sip.GetProperty("status").GetString());
        Assert.Equal($"listening on 127.0.0.1:{port}", sip.GetProperty("description").GetString());
    }

    [Fact]
    public async Task An_apps_own_check_counts_for_readiness_and_for_liveness_only_when_tagged_live()
    {
        var disk = HealthCheckResult.Healthy();
        var heart = HealthCheckResult.Healthy();
        await using var host = await TestHostFixture.StartAsync(configure: b => b.Services.AddHealthChecks()
            .AddCheck("disk", () => disk)
            .AddCheck("heart", () => heart, tags: [NccoHealthChecks.LiveTag]));

        Assert.Equal(HttpStatusCode.OK, (await GetAsync(host, "/health/live")).Status);
        disk = HealthCheckResult.Unhealthy("disk full");

        var (status, body) = await GetAsync(host, "/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("unavailable", body.GetProperty("status").GetString());
        Assert.Equal("disk: disk full", body.GetProperty("detail").GetString());
        var (liveStatus, live) = await GetAsync(host, "/health/live");
        Assert.Equal(HttpStatusCode.OK, liveStatus);
        Assert.Equal("ok", live.GetProperty("status").GetString());

        heart = HealthCheckResult.Unhealthy("stuck");
        (liveStatus, live) = await GetAsync(host, "/health/live");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, liveStatus);
        Assert.Equal("heart: stuck", live.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task An_unreachable_store_makes_the_host_unready_naming_the_database()
    {
        await using var host = await TestHostFixture.StartAsync();
        // The store's file replaced by a directory: opening it fails the way a lost volume does.
        var database = Path.Combine(host.DataDirectory, "ncco.db");
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        File.Delete(database);
        Directory.CreateDirectory(database);

        var (status, body) = await GetAsync(host, "/health/ready");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("unavailable", body.GetProperty("status").GetString());
        Assert.StartsWith("ncco-store: the database did not answer: ", body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("Unhealthy", body.GetProperty("checks").GetProperty(NccoHealthChecks.Store).GetProperty("status").GetString());
    }
}
