using System.Collections.Concurrent;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Ncco.Host.Tests.MediaPlane;

/// <summary>A real WebSocket application on loopback (Kestrel on 127.0.0.1:0): every path accepts sockets.</summary>
public sealed class AppSocketServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, Channel<AppSocket>> _accepted = new(StringComparer.Ordinal);

    private readonly ConcurrentBag<AppSocket> _open = [];

    private AppSocketServer(WebApplication app) => _app = app;

    public Uri BaseUri { get; private set; } = null!;

    public static async Task<AppSocketServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new AppSocketServer(app);
        app.UseWebSockets();
        app.Map("/{name}", async (HttpContext context, string name) =>
        {
            if (!context.WebSockets.IsWebSocketRequest)
            {
                context.Response.StatusCode = 400;
                return;
            }
            var ws = await context.WebSockets.AcceptWebSocketAsync();
            var socket = new AppSocket(ws, context.Request.Headers.Authorization.ToString());
            server._open.Add(socket);
            server.Queue(name).Writer.TryWrite(socket);
            await socket.RunAsync();
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseUri = new Uri(address.Replace("http://", "ws://", StringComparison.Ordinal));
        return server;
    }

    public string Url(string name) => new Uri(BaseUri, name).ToString();

    public async Task<AppSocket> AcceptAsync(string name, TimeSpan? timeout = null) =>
        await Queue(name).Reader.ReadAsync().AsTask().WaitAsync(timeout ?? TimeSpan.FromSeconds(5));

    private Channel<AppSocket> Queue(string name) => _accepted.GetOrAdd(name, _ => Channel.CreateUnbounded<AppSocket>());

    public async ValueTask DisposeAsync()
    {
        // Sockets a test left open would hold Kestrel's shutdown for its whole timeout.
        foreach (var s in _open) s.Abort();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>The application's end of one socket: what it received, and ways to talk back.</summary>
public sealed class AppSocket(WebSocket socket, string authorization)
{
    private readonly Channel<(long At, JsonElement Json)> _texts = Channel.CreateUnbounded<(long, JsonElement)>();
    private readonly List<short> _audio = [];
    private readonly List<int> _binarySizes = [];
    private readonly SemaphoreSlim _sendGate = new(1, 1);
    private readonly TaskCompletionSource<WebSocketCloseStatus?> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Authorization { get; } = authorization;

    /// <summary>Completes with the close status when the runtime closed the socket (null when the connection dropped).</summary>
    public Task<WebSocketCloseStatus?> Closed => _closed.Task;

    public short[] Audio()
    {
        lock (_audio) return [.. _audio];
    }

    public int[] BinarySizes()
    {
        lock (_audio) return [.. _binarySizes];
    }

    internal async Task RunAsync()
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                var r = await socket.ReceiveAsync(buffer, CancellationToken.None);
                if (r.MessageType == WebSocketMessageType.Close)
                {
                    _closed.TrySetResult(r.CloseStatus);
                    if (socket.State == WebSocketState.CloseReceived)
                        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
                    return;
                }
                // The runtime sends whole frames; a partial message would be a bug worth seeing in the sizes.
                if (r.MessageType == WebSocketMessageType.Binary)
                {
                    lock (_audio)
                    {
                        _binarySizes.Add(r.Count);
                        for (var i = 0; i + 1 < r.Count; i += 2) _audio.Add(BitConverter.ToInt16(buffer, i));
                    }
                }
                else
                {
                    using var doc = JsonDocument.Parse(buffer.AsMemory(0, r.Count));
                    _texts.Writer.TryWrite((System.Diagnostics.Stopwatch.GetTimestamp(), doc.RootElement.Clone()));
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            _closed.TrySetResult(null);
        }
    }

    /// <summary>Waits for a text message with <c>event</c> = <paramref name="eventName"/> (skipping others).</summary>
    public async Task<(long At, JsonElement Json)> NextEventAsync(string eventName, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(5));
        while (true)
        {
            var m = await _texts.Reader.ReadAsync(cts.Token);
            if (m.Json.TryGetProperty("event", out var e) && e.GetString() == eventName) return m;
        }
    }

    public async Task SendTextAsync(string json)
    {
        await _sendGate.WaitAsync();
        try
        {
            await socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, true, CancellationToken.None);
        }
        finally
        {
            _sendGate.Release();
        }
    }

    public async Task SendBinaryAsync(byte[] bytes)
    {
        await _sendGate.WaitAsync();
        try
        {
            await socket.SendAsync(bytes, WebSocketMessageType.Binary, true, CancellationToken.None);
        }
        finally
        {
            _sendGate.Release();
        }
    }

    /// <summary>Sends <paramref name="samples"/> as 20 ms frames at <paramref name="rate"/> (faster than real time: the runtime buffers).</summary>
    public async Task SendAudioAsync(short[] samples, int rate)
    {
        var frame = rate / 50;
        for (var i = 0; i < samples.Length; i += frame)
        {
            var bytes = new byte[frame * 2];
            for (var j = 0; j < frame && i + j < samples.Length; j++) BitConverter.TryWriteBytes(bytes.AsSpan(2 * j), samples[i + j]);
            await SendBinaryAsync(bytes);
        }
    }

    public void Abort()
    {
        try
        {
            socket.Abort();
        }
        catch (ObjectDisposedException)
        {
            // The request ended already (the runtime closed the socket): nothing is left open.
        }
    }

    public async Task CloseAsync()
    {
        await _sendGate.WaitAsync();
        try
        {
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
        }
        finally
        {
            _sendGate.Release();
        }
    }
}
