using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Ncco.Diagnostics;
using Ncco.Host.Observability;
using Ncco.Host.Tests.Support;
using OpenTelemetry.Trace;

namespace Ncco.Host.Tests.Observability;

public sealed class CallTracingTests
{
    private static async Task<string> CallAsync(VoiceApiHarness h, Uri answerUrl)
    {
        var reply = await h.SendAsync(HttpMethod.Post, "/v1/calls", new
        {
            to = new[] { new { type = "phone", number = "447700900001" } },
            from = new { type = "phone", number = "447700900000" },
            answer_url = new[] { answerUrl.ToString() },
        });
        Assert.Equal(201, reply.Status);
        return reply.Body.GetProperty("uuid").GetString()!;
    }

    private static string[] OtlpArgs(OtlpReceiver receiver) =>
    [
        "--Ncco:Calls:RateLimitPerSecond=0",
        $"--OTEL_EXPORTER_OTLP_ENDPOINT={receiver.Endpoint}",
        "--OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf",
        "--OTEL_BSP_SCHEDULE_DELAY=100",
        "--OTEL_METRIC_EXPORT_INTERVAL=200",
        "--OTEL_SERVICE_NAME=ncco-otlp-test",
    ];

    private static async Task<T> EventuallyAsync<T>(Func<T?> probe, string what) where T : class
    {
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < TimeSpan.FromSeconds(20))
        {
            if (probe() is { } found) return found;
            await Task.Delay(50);
        }
        Assert.Fail("not seen within 20 s: " + what);
        return null!;
    }

    [Fact]
    public async Task A_call_is_one_trace_with_its_actions_and_webhooks_and_the_app_gets_the_traceparent()
    {
        var exported = new List<Activity>();
        List<Activity> Spans()
        {
            lock (exported) return [.. exported];
        }
        await using var h = await VoiceApiHarness.StartAsync(
            b => b.Services.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(exported)), extraArgs: "--Ncco:Calls:RateLimitPerSecond=0");
        h.App.Ncco("/answer", """[{"action":"talk","text":"hi"}]""");

        var uuid = await CallAsync(h, h.App.Url("answer"));
        await h.App.WaitForStatusAsync(uuid, "completed");
        var call = await EventuallyAsync(() => Spans().FirstOrDefault(s => s.OperationName == "ncco.call" && (string?)s.GetTagItem("ncco.call.uuid") == uuid), "the call's span");

        // A REST-created call starts its own trace (linked to the request that created it).
        Assert.Equal(default, call.ParentSpanId);
        Assert.Equal(ActivityKind.Client, call.Kind);
        Assert.Equal("completed", call.GetTagItem("ncco.call.status"));
        Assert.Equal(h.ApplicationId, call.GetTagItem("ncco.application.id"));
        Assert.Contains(call.Events, e => e.Name == "ncco.status" && (string?)e.Tags.First(t => t.Key == "ncco.message").Value == "answered");
        var trace = Spans().Where(s => s.TraceId == call.TraceId).ToList();

        var talk = Assert.Single(trace, s => s.OperationName == "ncco.action");
        Assert.Equal("talk", talk.GetTagItem("ncco.action"));
        Assert.Equal("next", talk.GetTagItem("ncco.action.outcome"));
        Assert.Equal(call.SpanId, talk.ParentSpanId);
        Assert.True(talk.StartTimeUtc >= call.StartTimeUtc && talk.StartTimeUtc + talk.Duration <= call.StartTimeUtc + call.Duration);

        var answer = Assert.Single(trace, s => s.OperationName == "ncco.webhook" && (string?)s.GetTagItem("ncco.webhook.kind") == "answer");
        Assert.Equal(call.SpanId, answer.ParentSpanId);
        Assert.Equal(ActivityKind.Client, answer.Kind);
        Assert.Equal(200, answer.GetTagItem("http.response.status_code"));
        Assert.Equal("GET", answer.GetTagItem("http.request.method"));
        Assert.Equal(h.App.Url("answer").ToString(), answer.GetTagItem("url.full"));

        // What the application received: the answer webhook's own span as parent, so the app's spans join the call's trace.
        var received = h.App.All.First(w => w.Path == "/answer");
        // Flags: sampled (01), and on .NET 10 also W3C level 2's random trace id (02).
        Assert.StartsWith($"00-{call.TraceId.ToHexString()}-{answer.SpanId.ToHexString()}-", received.TraceParent, StringComparison.Ordinal);
        Assert.True((Convert.ToInt32(received.TraceParent[^2..], 16) & 1) == 1, received.TraceParent);
        // Every event webhook of the call carries the call's trace too.
        var events = h.App.All.Where(w => w.Path == "/events" && w.Body.Contains(uuid, StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(events);
        Assert.All(events, e => Assert.StartsWith($"00-{call.TraceId.ToHexString()}-", e.TraceParent, StringComparison.Ordinal));
        Assert.All(trace.Where(s => s.OperationName == "ncco.webhook"), s => Assert.Contains(s.ParentSpanId, new[] { call.SpanId, talk.SpanId }));
    }

    [Fact]
    public async Task A_call_created_over_rest_links_to_the_request_that_created_it()
    {
        var exported = new List<Activity>();
        List<Activity> Spans()
        {
            lock (exported) return [.. exported];
        }
        // The request has a span when something listens to ASP.NET Core's activity source (OpenTelemetry's ASP.NET
        // Core instrumentation does; here the source is added by name).
        await using var h = await VoiceApiHarness.StartAsync(
            b => b.Services.ConfigureOpenTelemetryTracerProvider(t => t.AddSource("Microsoft.AspNetCore").AddInMemoryExporter(exported)),
            extraArgs: "--Ncco:Calls:RateLimitPerSecond=0");
        h.App.Ncco("/answer", """[{"action":"talk","text":"hi"}]""");
        var callersTrace = ActivityTraceId.CreateRandom();

        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/calls")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new
            {
                to = new[] { new { type = "phone", number = "447700900001" } },
                from = new { type = "phone", number = "447700900000" },
                answer_url = new[] { h.App.Url("answer").ToString() },
            }),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", h.Token());
        request.Headers.Add("traceparent", $"00-{callersTrace}-{ActivitySpanId.CreateRandom()}-01");
        using var response = await h.Host.Client.SendAsync(request);
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        var uuid = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("uuid").GetString()!;
        await h.App.WaitForStatusAsync(uuid, "completed");

        var call = await EventuallyAsync(() => Spans().FirstOrDefault(s => s.OperationName == "ncco.call" && (string?)s.GetTagItem("ncco.call.uuid") == uuid), "the call's span");
        var requestSpan = await EventuallyAsync(() => Spans().FirstOrDefault(s => s.Source.Name == "Microsoft.AspNetCore" && s.TraceId == callersTrace), "the request's span");
        // Its own trace (a call outlives the request by minutes), linked to the request's span in the caller's trace.
        Assert.NotEqual(callersTrace, call.TraceId);
        var link = Assert.Single(call.Links);
        Assert.Equal(requestSpan.TraceId, link.Context.TraceId);
        Assert.Equal(requestSpan.SpanId, link.Context.SpanId);
    }

    [Fact]
    public async Task A_failing_webhook_is_an_error_span_naming_the_status()
    {
        var exported = new List<Activity>();
        await using var h = await VoiceApiHarness.StartAsync(
            b => b.Services.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(exported)), extraArgs: "--Ncco:Calls:RateLimitPerSecond=0");
        h.App.Status("/broken", 503);

        var uuid = await CallAsync(h, h.App.Url("broken"));
        await h.App.WaitForStatusAsync(uuid, "completed");
        var call = await EventuallyAsync(() =>
        {
            lock (exported) return exported.FirstOrDefault(s => s.OperationName == "ncco.call" && (string?)s.GetTagItem("ncco.call.uuid") == uuid);
        }, "the call's span");

        List<Activity> broken;
        lock (exported) broken = [.. exported.Where(s => s.TraceId == call.TraceId && (string?)s.GetTagItem("url.full") == h.App.Url("broken").ToString())];
        Assert.NotEmpty(broken);
        Assert.All(broken, s =>
        {
            Assert.Equal(ActivityStatusCode.Error, s.Status);
            Assert.Equal("503", s.GetTagItem("error.type"));
        });
        // The retry is its own span: attempts 1 and 2.
        Assert.Equal([1, 2], broken.Select(s => (int)s.GetTagItem("ncco.webhook.attempt")!).Order());
    }

    [Theory]
    [InlineData(new string[0], false)]
    [InlineData(new[] { "OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318" }, true)]
    [InlineData(new[] { "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT=http://127.0.0.1:4318/v1/traces" }, true)]
    [InlineData(new[] { "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT=http://127.0.0.1:4318/v1/metrics" }, false)]
    [InlineData(new[] { "OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318", "OTEL_TRACES_EXPORTER=none" }, false)]
    [InlineData(new[] { "OTEL_TRACES_EXPORTER=console, otlp" }, true)]
    public void Traces_are_exported_over_otlp_only_when_the_standard_settings_ask(string[] settings, bool exported)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => s.Split('=', 2)).Select(p => KeyValuePair.Create(p[0], (string?)p[1])))
            .Build();

        Assert.Equal(exported, NccoTelemetryExtensions.Exports(configuration, "TRACES"));
    }

    [Fact]
    public async Task Spans_and_metrics_reach_a_real_otlp_http_receiver_configured_by_otel_settings()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var h = await VoiceApiHarness.StartAsync(extraArgs: OtlpArgs(receiver));
        h.App.Ncco("/answer", """[{"action":"talk","text":"hi"}]""");

        var uuid = await CallAsync(h, h.App.Url("answer"));
        await h.App.WaitForStatusAsync(uuid, "completed");

        var call = await EventuallyAsync(() => receiver.Spans.FirstOrDefault(s => s.Name == "ncco.call outbound" && s.Attributes.GetValueOrDefault("ncco.call.uuid") == uuid),
            "the call's span at the receiver: " + string.Join(", ", receiver.Requests));
        var answered = h.App.All.First(w => w.Path == "/answer");
        Assert.StartsWith($"00-{call.TraceId}-", answered.TraceParent, StringComparison.Ordinal);
        await EventuallyAsync(() => receiver.Spans.FirstOrDefault(s => s.TraceId == call.TraceId && s.Name == "ncco talk"), "the talk action's span");
        await EventuallyAsync(() => receiver.MetricNames.FirstOrDefault(n => n == "ncco.calls.started"), "ncco.calls.started: " + string.Join(", ", receiver.MetricNames.Distinct()));
        Assert.All(receiver.Requests, r => Assert.EndsWith("application/x-protobuf", r, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_host_exports_its_own_counters_after_another_host_in_the_process_stopped()
    {
        // Another host in the same process (tests, or an app embedding two) publishes instruments of the same names.
        // It starts first and stops while this host runs: this host's counters must still reach its exporter.
        await using var receiver = await OtlpReceiver.StartAsync();
        var other = await TestHostFixture.StartAsync();
        await using var h = await VoiceApiHarness.StartAsync(extraArgs: OtlpArgs(receiver));
        await other.DisposeAsync();
        // Two metric exports after the other host stopped, so any stream that went with it is gone before the call.
        var exports = receiver.Requests.Count(r => r.StartsWith("/v1/metrics", StringComparison.Ordinal));
        await EventuallyAsync(() => receiver.Requests.Count(r => r.StartsWith("/v1/metrics", StringComparison.Ordinal)) >= exports + 2 ? "exported" : null, "two metric exports");
        h.App.Ncco("/answer", """[{"action":"talk","text":"hi"}]""");

        var uuid = await CallAsync(h, h.App.Url("answer"));
        await h.App.WaitForStatusAsync(uuid, "completed");

        await EventuallyAsync(() => receiver.MetricNames.FirstOrDefault(n => n == "ncco.calls.started"), "ncco.calls.started: " + string.Join(", ", receiver.MetricNames.Distinct()));
    }
}
