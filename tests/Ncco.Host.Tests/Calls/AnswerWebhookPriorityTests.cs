using System.Runtime.CompilerServices;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Ncco.Events;
using Ncco.Model;
using Ncco.Host.Calls;
using Ncco.Host.Observability;
using Ncco.Host.Tests.Support;
using Ncco.Webhooks;

namespace Ncco.Host.Tests.Calls;

/// <summary>Call setup over real HTTP while the application is slow to take events.</summary>
public sealed class AnswerWebhookPriorityTests
{
    [Fact]
    public async Task An_answer_webhook_is_fetched_while_a_thousand_event_webhooks_wait_on_a_slow_server()
    {
        await using var app = await WebhookAppServer.StartAsync();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var eventsReceived = 0;
        app.Handle("/events", async c =>
        {
            Interlocked.Increment(ref eventsReceived);
            await release.Task.WaitAsync(c.RequestAborted);
        });
        app.Ncco("/answer", """[{"action":"talk","text":"hi"}]""");
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var http = new WebhookHttpClient(TimeSpan.FromSeconds(5));
        var gate = new WebhookGate(capacity: 8, answerReserve: 2);
        var transport = new HostWebhookTransport(http, gate, voice: null, new NccoMetrics(services.GetRequiredService<IMeterFactory>()),
            TimeProvider.System, new StrongBox<int>());
        using var giveUp = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        var events = Enumerable.Range(0, 1000).Select(i => transport.SendAsync(new WebhookRequest(app.Url("events"), WebhookMethod.Post, WebhookKind.Event,
            "{}"u8.ToArray(), new CallStatusEvent { ConversationUuid = "CON-1", Status = "started", Direction = "inbound", Uuid = $"leg-{i}" }), giveUp.Token)).ToList();
        while (Volatile.Read(ref eventsReceived) < 6) await Task.Delay(10, giveUp.Token);
        var answer = await transport.SendAsync(new WebhookRequest(app.Url("answer?uuid=a"), WebhookMethod.Get, WebhookKind.Answer, [],
            new AnswerRequest { To = "demo", Uuid = "a", ConversationUuid = "CON-2" }), giveUp.Token);

        Assert.True(answer.IsSuccess, answer.Describe());
        Assert.Contains("talk", answer.BodyText);
        Assert.DoesNotContain(events, e => e.IsCompleted);
        Assert.Equal(6, Volatile.Read(ref eventsReceived));
        Assert.Equal((0, 994), gate.Waiting);

        release.SetResult();
        var delivered = await Task.WhenAll(events).WaitAsync(giveUp.Token);
        Assert.All(delivered, r => Assert.True(r.IsSuccess, r.Describe()));
        Assert.Equal(1000, Volatile.Read(ref eventsReceived));
        Assert.Equal(0, gate.InFlight);
    }
}
