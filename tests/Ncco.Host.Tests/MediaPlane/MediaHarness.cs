using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Ncco.Calls;
using Ncco.Control;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Ncco.Host.Configuration;
using Ncco.Host.Legs;
using Ncco.Host.Legs.WebSockets;
using Ncco.Host.MediaPlane;
using Ncco.Host.Recordings;
using Ncco.Model;
using Ncco.Model.Endpoints;
using Ncco.Scheduling;
using Ncco.Webhooks;

namespace Ncco.Host.Tests.MediaPlane;

/// <summary>
/// A NccoVm on the real-time scheduler with the host's media plane and websocket transport, an in-process webhook app
/// (delegate) and a loopback WebSocket application.
/// </summary>
public sealed class MediaHarness : IAsyncDisposable
{
    public const string Secret = "media-test-signature-secret-0123456789";

    private readonly ConcurrentQueue<WebhookRequest> _requests = new();
    private readonly SemaphoreSlim _arrived = new(0);

    private MediaHarness(string dataDirectory, AppSocketServer sockets, MediaServices media, NccoVm vm)
    {
        DataDirectory = dataDirectory;
        Sockets = sockets;
        Media = media;
        Vm = vm;
    }

    public string DataDirectory { get; }

    public AppSocketServer Sockets { get; }

    public MediaServices Media { get; }

    public NccoVm Vm { get; }

    /// <summary>Answers event webhooks (null = empty 200).</summary>
    public Func<JsonElement, NccoDocument?> OnEvent { get; set; } = _ => null;

    /// <summary>
    /// Starts the harness. Its sockets stand in for callers (they press keys as tones in their audio), so key tones in
    /// WebSocket audio are detected unless <paramref name="media"/> says otherwise (the host's default does not).
    /// </summary>
    /// <param name="loggers">Where the media plane logs (nowhere unless given).</param>
    /// <param name="openedSocket">Wraps each WebSocket leg's socket once it opened (tests of socket failures).</param>
    /// <param name="media">The media settings (the harness's default detects key tones in WebSocket audio).</param>
    public static async Task<MediaHarness> StartAsync(ILoggerFactory? loggers = null, Func<System.Net.WebSockets.WebSocket, System.Net.WebSockets.WebSocket>? openedSocket = null,
        MediaOptions? media = null)
    {
        var dir = Directory.CreateTempSubdirectory("ncco-media-").FullName;
        var sockets = await AppSocketServer.StartAsync();
        var options = Options.Create(new NccoHostOptions { DataDirectory = dir, Media = media ?? new MediaOptions { WebSocketKeyTones = true } });
        var services = new MediaServices(options, new RecordingStore(options, new InMemoryRecordingRepository(), TimeProvider.System), TimeProvider.System, loggers ?? NullLoggerFactory.Instance);
        var application = new VoiceApplication
        {
            EventUrl = WebhookTarget.Of("https://app.test/event", WebhookMethod.Post),
            SignatureSecret = Secret,
        };
        MediaHarness? harness = null;
        var transport = new DelegateWebhookTransport((request, _) => Task.FromResult(harness!.Receive(request)));
        // The host's websocket transport through the public seam, as an embedder without the rest of the host would.
        var provider = new ServiceCollection()
            .AddSingleton(services)
            .AddSingleton(TimeProvider.System)
            .AddSingleton(loggers ?? NullLoggerFactory.Instance)
            .AddNccoLegTransport<WebSocketLegTransport>(EndpointTypes.WebSocket)
            .BuildServiceProvider();
        provider.GetRequiredService<WebSocketLegTransport>().OpenedSocket = openedSocket;
        var transports = provider.GetRequiredService<LegTransportMap>();
        var vm = new NccoVm(new NccoVmOptions
        {
            Application = application,
            Transport = transport,
            Scheduler = new RealTimeScheduler(),
            Media = services.CreatePlane(application),
            Dialer = transports.CreateDialer(application),
        });
        harness = new MediaHarness(dir, sockets, services, vm);
        return harness;
    }

    private WebhookResponse Receive(WebhookRequest request)
    {
        _requests.Enqueue(request);
        _arrived.Release();
        using var doc = JsonDocument.Parse(request.PayloadJson);
        var ncco = OnEvent(doc.RootElement);
        return ncco is null ? WebhookResponse.Empty : WebhookResponse.Ncco(ncco);
    }

    public IReadOnlyList<JsonElement> Events => _requests.Select(r => JsonDocument.Parse(r.PayloadJson).RootElement).ToList();

    /// <summary>Waits for a webhook payload matching <paramref name="match"/>.</summary>
    public async Task<JsonElement> EventAsync(Func<JsonElement, bool> match, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(8));
        while (true)
        {
            var found = Events.FirstOrDefault(match);
            if (found.ValueKind != JsonValueKind.Undefined) return found;
            try
            {
                await _arrived.WaitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException("no matching webhook; received:\n" + string.Join("\n", _requests.Select(r => r.PayloadJson)));
            }
        }
    }

    public Task<JsonElement> StatusAsync(string legId, string status, TimeSpan? timeout = null) =>
        EventAsync(e => Field(e, "uuid") == legId && Field(e, "status") == status, timeout);

    public static string? Field(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>Places an outbound call to the loopback socket <paramref name="name"/> running <paramref name="ncco"/>.</summary>
    public async Task<(CallLeg Leg, AppSocket Socket)> CallSocketAsync(string name, NccoDocument ncco, int rate = 16000, object? headers = null, WebSocketAuthorization? authorization = null)
    {
        var endpoint = CallEndpoint.WebSocket(Sockets.Url(name), rate, headers) with { Authorization = authorization };
        var leg = await Vm.Control.CreateCallAsync(new CreateCallRequest(endpoint) { Ncco = ncco });
        var socket = await Sockets.AcceptAsync(name);
        return (leg, socket);
    }

    /// <summary>
    /// Waits until the media thread has a speech listener on <paramref name="legId"/>: audio the app sends before that
    /// is played into the conversation and never reaches the recogniser, however long the lead-in.
    /// </summary>
    public async Task WaitUntilListeningAsync(string legId, TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(15);
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var probe = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            Media.MediaThread.Post(() => probe.TrySetResult(Media.MediaThread.FindLeg(legId)?.Listener is not null));
            if (await probe.Task.WaitAsync(TimeSpan.FromSeconds(5))) return;
            if (waited.Elapsed > limit) throw new TimeoutException($"leg {legId} never started listening");
            await Task.Delay(10);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Media.DisposeAsync();
        await Sockets.DisposeAsync();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A recording still being finished; the temp folder is scratch.
        }
    }
}
