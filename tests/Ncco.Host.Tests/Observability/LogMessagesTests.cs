using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Ncco.Host.Tests.Support;

namespace Ncco.Host.Tests.Observability;

public sealed class LogMessagesTests
{
    [Fact]
    public async Task Per_call_and_webhook_lines_are_the_generated_messages_with_their_event_ids_and_named_values()
    {
        var capture = new CapturingLoggerProvider();
        await using var h = await VoiceApiHarness.StartAsync(b => b.Logging.AddProvider(capture).SetMinimumLevel(LogLevel.Debug), extraArgs: "--Ncco:Calls:RateLimitPerSecond=0");
        h.App.Status("/broken", 503);

        var reply = await h.SendAsync(HttpMethod.Post, "/v1/calls", new
        {
            to = new[] { new { type = "phone", number = "447700900001" } },
            from = new { type = "phone", number = "447700900000" },
            answer_url = new[] { h.App.Url("broken").ToString() },
        });
        var uuid = reply.Body.GetProperty("uuid").GetString()!;
        await h.App.WaitForStatusAsync(uuid, "completed");

        var created = Assert.Single(capture.Lines, l => l.EventId.Id == 2000 && l.Values.GetValueOrDefault("CallUuid") as string == uuid);
        Assert.Equal("CallCreated", created.EventId.Name);
        Assert.Equal($"Call {uuid} created: outbound 447700900000 → 447700900001 (phone)", created.Message);
        Assert.Equal("Call {CallUuid} created: {Direction} {From} → {To} ({EndpointType})", created.Values["{OriginalFormat}"]);
        Assert.Contains(capture.Lines, l => l.EventId.Id == 2001 && l.Message == $"Call {uuid} completed");
        var failed = capture.Lines.First(l => l.EventId.Id == 2010);
        Assert.Equal(LogLevel.Warning, failed.Level);
        Assert.Equal($"Webhook Answer Get {h.App.Url("broken")} attempt 1 failed: HTTP 503", failed.Message);
        Assert.Equal(1, failed.Values["Attempt"]);
    }
}
