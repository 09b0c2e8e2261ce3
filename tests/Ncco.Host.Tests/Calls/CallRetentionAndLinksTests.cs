using System.Net.Http.Json;
using System.Text.Json;
using Ncco.Host.Tests.Support;

namespace Ncco.Host.Tests.Calls;

/// <summary>
/// <c>leg_persistence_time</c> bounds how long a finished leg stays readable, and the call list's HAL links are relative
/// like Vonage's unless <c>Ncco:Calls:AbsoluteListLinks</c> asks for absolute ones.
/// </summary>
public sealed class CallRetentionAndLinksTests
{
    private static readonly object[] Hello = [new { action = "talk", text = "Hi" }];

    [Fact]
    public async Task A_leg_that_ended_longer_ago_than_leg_persistence_time_is_404_and_left_out_of_lists()
    {
        await using var h = await VoiceApiHarness.StartAsync(extraArgs: "--Ncco:Calls:RateLimitPerSecond=0");
        var response = await h.Host.Client.PostAsJsonAsync("/v2/applications", new
        {
            name = "short memory",
            capabilities = new
            {
                voice = new
                {
                    webhooks = new { event_url = new { address = h.App.Url("events").ToString(), http_method = "POST" } },
                    leg_persistence_time = 1,
                },
            },
        });
        response.EnsureSuccessStatusCode();
        var created = await response.Content.ReadFromJsonAsync<JsonElement>();
        var (id, key) = (created.GetProperty("id").GetString()!, created.GetProperty("keys").GetProperty("private_key").GetString()!);
        string Token() => ApplicationJwt.Mint(id, key, h.Host.Time.GetUtcNow());

        var shortLived = await CreateAsync(h, Token());
        var keptByDefault = await h.CreateCallAsync(Hello);
        await h.App.WaitForStatusOfAllAsync("completed", shortLived, keptByDefault);
        Assert.Equal(200, (await h.SendAsync(HttpMethod.Get, "/v1/calls/" + shortLived, token: Token())).Status);

        h.Host.Time.Advance(TimeSpan.FromHours(23));
        Assert.Equal(200, (await h.SendAsync(HttpMethod.Get, "/v1/calls/" + shortLived, token: Token())).Status);
        Assert.Equal(1, (await h.SendAsync(HttpMethod.Get, "/v1/calls", token: Token())).Body.GetProperty("count").GetInt32());

        h.Host.Time.Advance(TimeSpan.FromHours(2));
        var gone = await h.SendAsync(HttpMethod.Get, "/v1/calls/" + shortLived, token: Token());
        Assert.Equal(404, gone.Status);
        Assert.Contains("leg_persistence_time (1 days)", gone.Body.GetProperty("detail").GetString());
        Assert.Equal(0, (await h.SendAsync(HttpMethod.Get, "/v1/calls", token: Token())).Body.GetProperty("count").GetInt32());

        Assert.Equal(200, (await h.SendAsync(HttpMethod.Get, "/v1/calls/" + keptByDefault)).Status);
    }

    [Fact]
    public async Task List_links_are_relative_by_default_and_absolute_when_configured()
    {
        await using (var h = await VoiceApiHarness.StartAsync())
        {
            await h.CreateCallAsync(Hello);
            var links = (await h.SendAsync(HttpMethod.Get, "/v1/calls?page_size=1")).Body.GetProperty("_links");
            Assert.Equal("/v1/calls?page_size=1", links.GetProperty("self").GetProperty("href").GetString());
        }
        await using (var h = await VoiceApiHarness.StartAsync(extraArgs: "--Ncco:Calls:AbsoluteListLinks=true"))
        {
            await h.CreateCallAsync(Hello);
            var links = (await h.SendAsync(HttpMethod.Get, "/v1/calls?page_size=1")).Body.GetProperty("_links");
            Assert.Equal("http://localhost/v1/calls?page_size=1", links.GetProperty("self").GetProperty("href").GetString());
        }
    }

    private static async Task<string> CreateAsync(VoiceApiHarness h, string token)
    {
        var reply = await h.SendAsync(HttpMethod.Post, "/v1/calls", new
        {
            to = new[] { new { type = "phone", number = "447700900001" } },
            from = new { type = "phone", number = "447700900000" },
            ncco = Hello,
        }, token);
        Assert.True(reply.Status == 201, reply.ToString());
        return reply.Body.GetProperty("uuid").GetString()!;
    }
}
