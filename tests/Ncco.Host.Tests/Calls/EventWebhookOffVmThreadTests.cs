using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;
using Ncco.Events;
using Ncco.Host.Calls;
using Ncco.Host.Observability;
using Ncco.Host.Tests.Support;
using Ncco.Model;
using Ncco.Webhooks;

namespace Ncco.Host.Tests.Calls;

/// <summary>
/// The VM starts every webhook from its one thread: an event's HTTP request is started on a pool thread, an answer's on
/// the caller's thread (its caller waits for it).
/// </summary>
public sealed class EventWebhookOffVmThreadTests
{
    [Fact]
    public async Task An_event_request_starts_off_the_callers_thread_and_an_answer_request_on_it()
    {
        await using var app = await WebhookAppServer.StartAsync();
        app.Handle("/events", _ => Task.CompletedTask);
        app.Ncco("/answer", """[{"action":"talk","text":"hi"}]""");
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var http = new WebhookHttpClient(TimeSpan.FromSeconds(5));
        var transport = new HostWebhookTransport(http, new WebhookGate(capacity: 8, answerReserve: 2), voice: null,
            new NccoMetrics(services.GetRequiredService<IMeterFactory>()), TimeProvider.System, new StrongBox<int>());
        var started = new ConcurrentDictionary<ActivityTraceId, int>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == "System.Net.Http",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStarted = a => started.TryAdd(a.TraceId, Environment.CurrentManagedThreadId),
        };
        ActivitySource.AddActivityListener(listener);

        var eventCall = await SendFromOwnThreadAsync(() => transport.SendAsync(new WebhookRequest(app.Url("events"), WebhookMethod.Post, WebhookKind.Event,
            "{}"u8.ToArray(), new CallStatusEvent { ConversationUuid = "CON-1", Status = "started", Direction = "inbound", Uuid = "leg-1" }), CancellationToken.None));
        var answerCall = await SendFromOwnThreadAsync(() => transport.SendAsync(new WebhookRequest(app.Url("answer?uuid=a"), WebhookMethod.Get, WebhookKind.Answer, [],
            new AnswerRequest { To = "demo", Uuid = "a", ConversationUuid = "CON-2" }), CancellationToken.None));

        Assert.True(eventCall.Response.IsSuccess, eventCall.Response.Describe());
        Assert.True(answerCall.Response.IsSuccess, answerCall.Response.Describe());
        Assert.NotEqual(eventCall.CallerThread, started[eventCall.Trace]);
        Assert.Equal(answerCall.CallerThread, started[answerCall.Trace]);
    }

    // Calls send on a thread of its own inside a trace of its own (so the HTTP request's activity is found by trace id).
    private static async Task<(WebhookResponse Response, int CallerThread, ActivityTraceId Trace)> SendFromOwnThreadAsync(Func<Task<WebhookResponse>> send)
    {
        Task<WebhookResponse>? task = null;
        var callerThread = 0;
        var trace = default(ActivityTraceId);
        var thread = new Thread(() =>
        {
            using var parent = new Activity("test-caller").SetIdFormat(ActivityIdFormat.W3C).Start();
            trace = parent.TraceId;
            callerThread = Environment.CurrentManagedThreadId;
            task = send();
        });
        thread.Start();
        thread.Join();
        var response = await task!.WaitAsync(TimeSpan.FromSeconds(30));
        return (response, callerThread, trace);
    }
}
