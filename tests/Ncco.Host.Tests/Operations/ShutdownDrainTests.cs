using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Ncco.Host.Calls;
using Ncco.Host.Operations;
using Ncco.Host.Tests.Support;

namespace Ncco.Host.Tests.Operations;

/// <summary>Graceful shutdown with the real <see cref="Ncco.Host.Calls.VmDirectory"/>: calls drain, new ones are refused, the rest are hung up.</summary>
public sealed class ShutdownDrainTests
{
    [Fact]
    public async Task Stopping_refuses_new_calls_and_hangs_up_calls_still_up_after_the_budget()
    {
        await using var webhooks = await WebhookAppServer.StartAsync();
        var dialer = new VirtualDialer();
        var host = await TestHostFixture.StartAsync(
            configure: b =>
            {
                b.Services.AddSingleton<IVmCustomizer>(dialer);
                b.AddNccoOperability();
            },
            configureApp: a => a.MapNccoOperability(),
            extraArgs: ["--Ncco:Shutdown:DrainTimeout=00:00:02", "--Ncco:Calls:RateLimitPerSecond=0"]);
        var (applicationId, privateKey) = await VoiceApiHarness.CreateApplicationAsync(host, webhooks);
        // The fixture's client is disposed first when the host stops; this one outlives it for the drain.
        using var client = host.Server.CreateClient();

        var created = await CreateCallAsync(client, applicationId, privateKey, host, "hold-" + Guid.NewGuid());
        Assert.Equal(HttpStatusCode.Created, created.Status);
        var uuid = created.Body.GetProperty("uuid").GetString()!;
        await webhooks.WaitForStatusAsync(uuid, "answered");
        Assert.True(host.Services.GetRequiredService<ILiveCalls>().ActiveLegCount > 0);

        var stopping = host.DisposeAsync().AsTask();
        await WaitUntilAsync(async () => (await client.GetAsync(new Uri("/health/ready", UriKind.Relative))).StatusCode == HttpStatusCode.ServiceUnavailable);
        var refused = await CreateCallAsync(client, applicationId, privateKey, host, "late");
        Assert.Equal((HttpStatusCode)503, refused.Status);
        Assert.False(stopping.IsCompleted);

        var live = host.Services.GetRequiredService<ILiveCalls>();
        await stopping.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(0, live.ActiveLegCount);

        // The journal outlives the drain, so the hang-up is on record after a restart.
        await using var restarted = await TestHostFixture.StartAsync(host.DataDirectory);
        var call = await restarted.Services.GetRequiredService<ICallRepository>().FindAsync(uuid, CancellationToken.None);
        Assert.Equal("completed", call!.Status);
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> CreateCallAsync(HttpClient client, string applicationId, string privateKey, TestHostFixture host, string conversation)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/v1/calls", UriKind.Relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ApplicationJwtIssuer.Create(privateKey, applicationId, host.Time.GetUtcNow()));
        var body = new
        {
            to = new[] { new { type = "phone", number = "447700900001" } },
            from = new { type = "phone", number = "447700900000" },
            ncco = new object[] { new { action = "conversation", name = conversation } },
        };
        request.Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length > 0 ? JsonDocument.Parse(text).RootElement.Clone() : default);
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(10), "condition not met within 10 s");
            await Task.Delay(20);
        }
    }
}
