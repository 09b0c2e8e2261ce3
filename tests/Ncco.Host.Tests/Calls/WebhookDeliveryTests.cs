using Ncco.Host.Tests.Support;

namespace Ncco.Host.Tests.Calls;

/// <summary>Answer webhooks over real HTTP when the application misbehaves.</summary>
public sealed class WebhookDeliveryTests : IAsyncLifetime
{
    private VoiceApiHarness _h = null!;

    public async Task InitializeAsync() => _h = await VoiceApiHarness.StartAsync(extraArgs: "--Ncco:Calls:RateLimitPerSecond=0");

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private async Task<string> CallWithAnswerUrlAsync(Uri answerUrl)
    {
        var reply = await _h.SendAsync(HttpMethod.Post, "/v1/calls", new
        {
            to = new[] { new { type = "phone", number = "447700900001" } },
            from = new { type = "phone", number = "447700900000" },
            answer_url = new[] { answerUrl.ToString() },
        });
        Assert.Equal(201, reply.Status);
        return reply.Body.GetProperty("uuid").GetString()!;
    }

    [Theory]
    [InlineData(500)]
    [InlineData(503)]
    [InlineData(429)]
    public async Task A_failing_answer_url_ends_the_call_with_an_error_event(int status)
    {
        _h.App.Status("/broken", status);
        var uuid = await CallWithAnswerUrlAsync(_h.App.Url("broken"));
        var error = await _h.App.WaitForAsync(w => w.Json is { } j && j.TryGetProperty("reason", out _));
        Assert.Contains(uuid, error.Body);
        await _h.App.WaitForStatusAsync(uuid, "completed");
        Assert.True(_h.App.All.Count(w => w.Path == "/broken") >= 1);
    }

    [Fact]
    public async Task An_invalid_ncco_is_reported_in_the_error_event_with_its_pointer()
    {
        _h.App.Ncco("/invalid", """[{"action":"talk","text":"x","loop":-5}]""");
        var uuid = await CallWithAnswerUrlAsync(_h.App.Url("invalid"));
        var error = await _h.App.WaitForAsync(w => w.Json is { } j && j.TryGetProperty("reason", out _));
        Assert.Contains("/0/loop", error.Body);
        await _h.App.WaitForStatusAsync(uuid, "completed");
    }

    [Fact]
    public async Task A_refused_connection_and_a_slow_app_end_the_call_instead_of_hanging()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var refused = await CallWithAnswerUrlAsync(new Uri($"http://127.0.0.1:{port}/answer"));
        await _h.App.WaitForStatusAsync(refused, "completed", TimeSpan.FromSeconds(15));

        _h.App.Handle("/slow", async c => await Task.Delay(TimeSpan.FromSeconds(30), c.RequestAborted));
        var slow = await CallWithAnswerUrlAsync(_h.App.Url("slow"));
        // The answer webhook's deadline is 5 s per attempt, tried twice: the call ends within about 10 s.
        await _h.App.WaitForStatusAsync(slow, "completed", TimeSpan.FromSeconds(25));
    }

    [Fact]
    public async Task Webhooks_are_signed_with_the_account_signature_secret()
    {
        var uuid = await _h.CreateCallAsync(new object[] { new { action = "talk", text = "Hi" } });
        var started = await _h.App.WaitForStatusAsync(uuid, "started");
        Assert.StartsWith("Bearer ", started.Authorization);
    }
}
