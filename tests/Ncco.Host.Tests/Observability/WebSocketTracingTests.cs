using System.Diagnostics;
using System.Net.WebSockets;
using Microsoft.Extensions.DependencyInjection;
using Ncco.Host.MediaPlane;
using Ncco.Host.Tests.MediaPlane;
using Ncco.Host.Tests.Support;
using OpenTelemetry.Trace;

namespace Ncco.Host.Tests.Observability;

/// <summary>
/// Issue 18: a WebSocket leg's media session is a <c>media.websocket</c> span of the call's trace, the twin of the SIP
/// legs' <c>media.rtp</c>, with the handshake, the first frame each way, a late media clock, and who closed the socket
/// as events, exported through OpenTelemetry's in-memory exporter from a real host dialling a real loopback socket.
/// </summary>
public sealed class WebSocketTracingTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    private static async Task<T> EventuallyAsync<T>(Func<T?> probe, string what) where T : class
    {
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < Wait)
        {
            if (probe() is { } found) return found;
            await Task.Delay(50);
        }
        Assert.Fail("not seen within 20 s: " + what);
        return null!;
    }

    // The whole host with its real transports (the voice harness's virtual dialer would answer a websocket leg itself).
    private sealed class Harness : IAsyncDisposable
    {
        private readonly List<Activity> _exported = [];

        public TestHostFixture Host { get; private set; } = null!;

        public WebhookAppServer App { get; private set; } = null!;

        public string ApplicationId { get; private set; } = "";

        public string PrivateKey { get; private set; } = "";

        public List<Activity> Spans()
        {
            lock (_exported) return [.. _exported];
        }

        public static async Task<Harness> StartAsync()
        {
            var h = new Harness { App = await WebhookAppServer.StartAsync() };
            h.Host = await TestHostFixture.StartAsync(configure: b => b.Services.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(h._exported)),
                extraArgs: ["--Ncco:Calls:RateLimitPerSecond=0", "--Ncco:Demo:Enabled=false"]);
            (h.ApplicationId, h.PrivateKey) = await VoiceApiHarness.CreateApplicationAsync(h.Host, h.App);
            return h;
        }

        public async Task<string> CallSocketAsync(string uri, string ncco)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/calls");
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", ApplicationJwt.Mint(ApplicationId, PrivateKey, Host.Time.GetUtcNow()));
            request.Content = new StringContent($$"""
                {"to":[{"type":"websocket","uri":"{{uri}}","content-type":"audio/l16;rate=16000"}],
                 "from":{"type":"phone","number":"447700900000"},"ncco":{{ncco}}}
                """, System.Text.Encoding.UTF8, "application/json");
            using var response = await Host.Client.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True((int)response.StatusCode == 201, body);
            return System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("uuid").GetString()!;
        }

        public Activity? MediaSpan(string uuid) => Spans().FirstOrDefault(s => s.OperationName == "media.websocket" && (string?)s.GetTagItem("ncco.call.uuid") == uuid);

        public async ValueTask DisposeAsync()
        {
            await Host.DisposeAsync();
            await App.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_websocket_legs_media_is_a_span_of_the_calls_trace_with_connect_first_frames_late_clock_and_the_apps_close()
    {
        await using var h = await Harness.StartAsync();
        await using var sockets = await AppSocketServer.StartAsync();
        var uuid = await h.CallSocketAsync(sockets.Url("bot"), """[{"action":"talk","text":"You are talking to a bot. This sentence keeps the line busy.","loop":0}]""");

        var bot = await sockets.AcceptAsync("bot", Wait);
        await bot.NextEventAsync("websocket:connected", Wait);
        await bot.SendAudioAsync(TestAudio.Tone(440, 0.5, 16000), 16000);
        var heard = Stopwatch.StartNew();
        while (bot.Audio().Length < 16000 && heard.Elapsed < Wait) await Task.Delay(20);
        // A stalled media thread (a GC pause, a starved core): the ticks it missed reach the application in a burst, late.
        h.Host.Services.GetRequiredService<MediaServices>().MediaThread.Post(() => Thread.Sleep(200));
        await Task.Delay(500);
        await bot.CloseAsync();
        await h.App.WaitForStatusAsync(uuid, "completed", Wait);

        var media = await EventuallyAsync(() => h.MediaSpan(uuid), "the media span");
        var call = Assert.Single(h.Spans(), s => s.OperationName == "ncco.call" && (string?)s.GetTagItem("ncco.call.uuid") == uuid);
        Assert.Equal(call.TraceId, media.TraceId);
        Assert.Contains(h.Spans(), s => s.SpanId == media.ParentSpanId && s.TraceId == call.TraceId);
        Assert.Equal(ActivityKind.Client, media.Kind);
        Assert.Equal(ActivityStatusCode.Unset, media.Status);

        // OpenTelemetry's names where they exist.
        Assert.Equal(sockets.Url("bot"), media.GetTagItem("url.full"));
        Assert.Equal("127.0.0.1", media.GetTagItem("server.address"));
        Assert.Equal(new Uri(sockets.Url("bot")).Port, media.GetTagItem("server.port"));
        Assert.Equal("websocket", media.GetTagItem("network.protocol.name"));
        Assert.Equal("L16", media.GetTagItem("media.codec"));
        Assert.Equal(16000, media.GetTagItem("media.clock_rate"));

        var names = media.Events.Select(e => e.Name).ToList();
        Assert.Equal("websocket.connected", names[0]);
        Assert.Equal(101, media.Events.First().Tags.First(t => t.Key == "http.response.status_code").Value);
        Assert.Contains("media.first_frame_sent", names);
        Assert.Contains("media.first_frame_received", names);
        Assert.Contains("media.frames_late", names);
        // The stall came after the bot spoke; a loaded machine may have been late before too (also this leg's lateness),
        // and after MaxLateEvents episodes only the count grows.
        Assert.True(names.LastIndexOf("media.frames_late") > names.IndexOf("media.first_frame_received")
                    || names.Count(n => n == "media.frames_late") == 10, string.Join(", ", names));
        Assert.Equal("websocket.close", names[^1]);
        var close = media.Events.Last().Tags.ToDictionary(t => t.Key, t => t.Value);
        Assert.Equal("application", close["ncco.websocket.closed_by"]);
        Assert.Equal((int)WebSocketCloseStatus.NormalClosure, close["websocket.close.code"]);
        Assert.Equal("bye", close["websocket.close.reason"]);

        // The counters at the end: half a second of the bot's audio (25 frames), the talk going out, the stall counted.
        Assert.Equal(25L, media.GetTagItem("media.frames_received"));
        Assert.True((long)media.GetTagItem("media.frames_sent")! >= 50, media.GetTagItem("media.frames_sent")?.ToString());
        Assert.True((long)media.GetTagItem("media.frames_late")! >= 9, media.GetTagItem("media.frames_late")?.ToString());
        Assert.Equal(0L, media.GetTagItem("media.frames_dropped"));
    }

    [Fact]
    public async Task A_platform_hangup_closes_the_span_as_the_platforms_and_a_silent_bot_is_said_to_have_sent_no_audio()
    {
        await using var h = await Harness.StartAsync();
        await using var sockets = await AppSocketServer.StartAsync();
        var uuid = await h.CallSocketAsync(sockets.Url("quiet"), """[{"action":"talk","text":"Goodbye."}]""");

        var bot = await sockets.AcceptAsync("quiet", Wait);
        await bot.NextEventAsync("websocket:connected", Wait);
        await h.App.WaitForStatusAsync(uuid, "completed", Wait);

        var media = await EventuallyAsync(() => h.MediaSpan(uuid), "the media span");
        var names = media.Events.Select(e => e.Name).ToList();
        Assert.DoesNotContain("media.first_frame_received", names);
        Assert.Equal(["websocket.close", "media.no_inbound_audio"], names.TakeLast(2));
        var close = media.Events.First(e => e.Name == "websocket.close").Tags.ToDictionary(t => t.Key, t => t.Value);
        Assert.Equal("platform", close["ncco.websocket.closed_by"]);
        Assert.Equal(0L, media.GetTagItem("media.frames_received"));
    }

    [Fact]
    public async Task A_socket_that_never_opens_ends_the_span_as_an_error_with_its_type()
    {
        await using var h = await Harness.StartAsync();
        var port = LoopbackHost.FreePort(); // nothing listens there: the connection is refused
        var uri = $"ws://user:pw@127.0.0.1:{port}/nobody?token=secret";
        var uuid = await h.CallSocketAsync(uri, """[{"action":"talk","text":"unheard"}]""");
        await h.App.WaitForStatusAsync(uuid, "failed", Wait);

        var media = await EventuallyAsync(() => h.MediaSpan(uuid), "the media span");
        Assert.Equal(ActivityStatusCode.Error, media.Status);
        Assert.Equal(typeof(WebSocketException).FullName, media.GetTagItem("error.type"));
        // Credentials and the query in the URL never reach the trace (OpenTelemetry's rule for url.full; the webhook spans' too).
        Assert.Equal($"ws://REDACTED:REDACTED@127.0.0.1:{port}/nobody", media.GetTagItem("url.full"));
        Assert.DoesNotContain(media.Events, e => e.Name == "websocket.connected");
    }
}
