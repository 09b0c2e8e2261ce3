using System.Buffers;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Ncco.Host.MediaPlane;
using Ncco.Legs;
using Ncco.Model;
using Ncco.Model.Endpoints;
using Ncco.Webhooks;

namespace Ncco.Host.Legs.WebSockets;

/// <summary>
/// A call leg to an application WebSocket (<c>connect</c> or REST <c>to</c> with <c>type:"websocket"</c>). The runtime is
/// the client: <see cref="ILegTransport.Dial"/> opens the socket (with <c>Authorization</c> per the endpoint), reports answered, sends
/// <c>websocket:connected</c>, then streams what the leg hears (conversation mix + playbacks) as 20 ms binary frames of
/// 16-bit LE PCM at the endpoint's rate, in real time from the shared media clock. Binary frames from the app are
/// buffered (<see cref="AppAudioBuffer"/>) and played into the conversation — DTMF tones in them are detected and
/// reported as this leg's keys. Text frames: <c>clear</c> and <c>notify</c>. Keys pressed on other legs of the
/// conversation (tones or signalled) are sent as <c>websocket:dtmf</c>.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Open failures: no socket within <see cref="ConnectTimeout"/> → <c>unanswered</c> (<c>unavailable</c>); refused,
/// unreachable, bad handshake (HTTP status) → <c>failed</c> (<c>cannot_route</c>).</item>
/// <item>The app closing the socket (or the connection dropping) is a party hang-up: the VM raises <c>disconnected</c>
/// (whose answer may be an NCCO) for connect legs and <c>completed</c>. A platform hang-up (REST, NCCO end) closes the
/// socket normally and raises no <c>disconnected</c>.</item>
/// <item>Malformed input never ends the leg: binary frames whose length is not a multiple of the frame size, invalid
/// JSON, unknown actions and over-long messages are logged (rate-limited) and ignored.</item>
/// <item>A socket failing with an exception outside those a socket documents (sending or receiving) ends the leg as a
/// dropped connection (<c>connection_lost</c>, logged as event 4107): the leg never stays live and mixed with nobody on the
/// socket, and its final event goes out once.</item>
/// <item>Outgoing frames wait in a bounded queue (<see cref="SendQueueFrames"/>); when the app stops reading, new frames
/// are dropped rather than buffered without limit.</item>
/// </list>
/// </remarks>
public sealed class WebSocketLeg : ILegTransport, IMediaTransport
{
    /// <summary>Longest wait for the socket to open.</summary>
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Outgoing frames queued at most (5 s of audio).</summary>
    public const int SendQueueFrames = 250;

    private const int MaxMessageBytes = 1 << 20;
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(2);

    private readonly WebSocketEndpoint _endpoint;
    private readonly VoiceApplication _application;
    private readonly MediaThread _mediaThread;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly LegMedia _media;
    private readonly AppAudioBuffer _received;
    private readonly int _frameBytes;
    private readonly System.Collections.Concurrent.ConcurrentQueue<byte[]> _pool = new();
    private readonly Channel<Outgoing> _send;
    private readonly CancellationTokenSource _lifetime = new();
    private readonly Action<string> _sendNotify;
    private ILegEventSink? _sink;
    private ClientWebSocket? _socket;
    private volatile bool _open;
    private int _ended;
    // Opening (the media joins the media thread) and ending (it leaves) are decided under this lock: a hang-up landing
    // between the "not ended" check and the addition used to post the removal first and leave the media mixed for good.
    private readonly Lock _stateGate = new();
    private int _platformHangup;
    private long _warnings;

    // The media span (WebSocketTracing) and what it reports at the end; null span when nobody listens.
    private readonly ActivityContext _traceParent;
    private Activity? _span;
    private long _framesSent;
    private long _framesReceived;
    private long _digitsSent;
    private long _lateSeen;
    private long _lateFrames;
    private int _lateEpisodes;
    private int _sendQueueFullReported;
    private int _receiveBufferFullReported;

    internal WebSocketLeg(string legId, WebSocketEndpoint endpoint, VoiceApplication application, MediaThread mediaThread, TimeProvider time, ILogger logger,
        ActivityContext traceParent = default)
    {
        LegId = legId;
        _traceParent = traceParent;
        _endpoint = endpoint;
        _application = application;
        _mediaThread = mediaThread;
        _time = time;
        _logger = logger;
        SampleRate = endpoint.SampleRate ?? throw new ArgumentException($"unsupported content-type '{endpoint.ContentType}'", nameof(endpoint));
        _frameBytes = SampleRate / 50 * sizeof(short);
        _received = new AppAudioBuffer(SampleRate / 50);
        _send = Channel.CreateBounded<Outgoing>(
            new BoundedChannelOptions(SendQueueFrames) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true },
            dropped =>
            {
                if (dropped.Pooled) _pool.Enqueue(dropped.Buffer);
                FramesDropped++;
                if (Interlocked.Exchange(ref _sendQueueFullReported, 1) == 0) WebSocketTracing.Dropped(_span, "media.send_queue_full", SendQueueFrames);
            });
        _sendNotify = reply => SendText(Encoding.UTF8.GetBytes(reply));
        _media = new LegMedia(mediaThread, legId, this);
    }

    /// <summary>The VM's uuid for this leg.</summary>
    public string LegId { get; }

    /// <summary>Tests: wraps the socket once it opened (to make it fail as no real socket would on demand).</summary>
    internal Func<WebSocket, WebSocket>? OpenedSocket { get; init; }

    /// <summary>Rate of the audio exchanged with the app (from <c>content-type</c>).</summary>
    public int SampleRate { get; }

    /// <summary>Outgoing frames dropped because the app did not read fast enough.</summary>
    public long FramesDropped { get; private set; }

    /// <summary>Frames from the app dropped because the playback buffer was full.</summary>
    public long FramesOverflowed => _received.Dropped;

    // ---- ILegTransport (VM thread) -------------------------------------------------------------------------------------

    void ILegTransport.Attach(ILegEventSink sink)
    {
        _sink = sink;
        _media.Sink = sink;
    }

    void ILegTransport.Answer()
    {
        // Inbound WebSocket calls do not exist on the platform: the runtime always dials the app.
    }

    void ILegTransport.Dial() => _ = Task.Run(ConnectAsync); // leave the VM's synchronization context: the socket is not VM work

    void ILegTransport.Play(Playback playback) => _mediaThread.Play(_media, playback, _sink);

    void ILegTransport.StopPlayback(long playbackId) => _mediaThread.StopPlayback(_media, playbackId);

    void ILegTransport.Hangup()
    {
        Interlocked.Exchange(ref _platformHangup, 1);
        End();
    }

    // ---- IMediaTransport (media thread) -----------------------------------------------------------------------

    bool IMediaTransport.ReadInbound(Span<short> frame) => _received.TryRead(frame, _sendNotify);

    void IMediaTransport.WriteOutbound(ReadOnlySpan<short> frame)
    {
        if (!_open) return;
        NoteLateClock();
        var buffer = _pool.TryDequeue(out var b) ? b : new byte[_frameBytes];
        Ncco.Media.Pcm.Pcm16.ToLittleEndianBytes(frame, buffer);
        _send.Writer.TryWrite(new Outgoing(buffer, _frameBytes, WebSocketMessageType.Binary, Pooled: true));
    }

    bool IMediaTransport.ConversationDtmf(char digit, int durationMilliseconds)
    {
        Interlocked.Increment(ref _digitsSent);
        SendText(WebSocketMessages.Dtmf(digit, durationMilliseconds));
        return true;
    }

    // ---- connection -------------------------------------------------------------------------------------------

    private async Task ConnectAsync()
    {
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        if (AuthorizationHeader() is { } auth) socket.Options.SetRequestHeader("Authorization", auth);
        using var connect = CancellationTokenSource.CreateLinkedTokenSource(_lifetime.Token);
        connect.CancelAfter(ConnectTimeout);
        // A websocket leg goes started → ringing → answered like any other leg (Vonage's documented sequence; apps
        // and SDK event models wait for ringing): it rings while the handshake is under way, answers once it opens.
        _sink?.Ringing();
        _span = WebSocketTracing.Start(_traceParent, LegId, _endpoint.Uri, SampleRate);
        var started = _time.GetTimestamp();
        try
        {
            await socket.ConnectAsync(_endpoint.Uri, connect.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WebSocketException or HttpRequestException or OperationCanceledException or IOException or ArgumentException)
        {
            socket.Dispose();
            if (_lifetime.IsCancellationRequested)
            {
                // Hung up while connecting: nothing to report to the VM; the span says who ended it.
                WebSocketTracing.End(_span, "platform", null, null, Counters());
                return;
            }
            WebSocketTracing.Failed(_span, e, (int)socket.HttpStatusCode, e is OperationCanceledException);
            if (e is OperationCanceledException)
            {
                _logger.ConnectTimedOut(LegId, _endpoint.Uri, ConnectTimeout);
                _sink?.Unanswered("unavailable");
            }
            else
            {
                var status = socket.HttpStatusCode == 0 ? "" : $" (HTTP {(int)socket.HttpStatusCode})";
                _logger.CannotOpen(LegId, _endpoint.Uri, status, e.Message);
                _sink?.Failed("cannot_route");
            }
            return;
        }
        _socket = socket;
        WebSocketTracing.Connected(_span, (int)socket.HttpStatusCode, _time.GetElapsedTime(started));
        var live = OpenedSocket?.Invoke(socket) ?? socket;
        Volatile.Write(ref _lateSeen, _mediaThread.Metrics.FramesLate); // late ticks before the leg was live are not its own
        lock (_stateGate)
        {
            if (Volatile.Read(ref _ended) == 0)
            {
                SendText(WebSocketMessages.Connected(_endpoint)); // the first message, before any audio
                _open = true;
                _mediaThread.Post(() => _mediaThread.Add(_media)); // before Answered: the VM's mix snapshot must find the leg
            }
        }
        if (!_open)
        {
            _send.Writer.TryComplete();
            await SendLoopAsync(live).ConfigureAwait(false); // closes it
            WebSocketTracing.End(_span, "platform", live.CloseStatus, live.CloseStatusDescription, Counters());
            live.Dispose();
            return;
        }
        _sink?.Answered();
        var sending = SendLoopAsync(live);
        await ReceiveLoopAsync(live).ConfigureAwait(false);
        End();
        await sending.ConfigureAwait(false);
        var closedBy = Volatile.Read(ref _platformHangup) != 0 ? "platform" : live.CloseStatus is not null ? "application" : "connection_lost";
        WebSocketTracing.End(_span, closedBy, live.CloseStatus, live.CloseStatusDescription, Counters());
        live.Dispose();
    }

    private WebSocketLegCounters Counters() => new(Interlocked.Read(ref _framesSent), Interlocked.Read(ref _framesReceived), FramesDropped, FramesOverflowed,
        Interlocked.Read(ref _lateFrames), Interlocked.Read(ref _digitsSent));

    /// <summary>
    /// Media thread: the shared clock's late ticks since the last frame, if any, are this leg's too (the catch-up burst
    /// reached the application late). The first <see cref="WebSocketTracing.MaxLateEvents"/> episodes become span events.
    /// </summary>
    private void NoteLateClock()
    {
        var late = _mediaThread.Metrics.FramesLate;
        var seen = Volatile.Read(ref _lateSeen);
        if (late == seen) return;
        Volatile.Write(ref _lateSeen, late);
        Interlocked.Add(ref _lateFrames, late - seen);
        if (++_lateEpisodes <= WebSocketTracing.MaxLateEvents) WebSocketTracing.Late(_span, late - seen);
    }

    private string? AuthorizationHeader()
    {
        switch (_endpoint.Authorization)
        {
            case { Type: WebSocketAuthorizationType.Custom, Value: { } value }:
                return value;
            case { Type: WebSocketAuthorizationType.Vonage }:
                if (_application.SignatureSecret is not { } secret)
                {
                    _logger.NoSignatureSecret(LegId);
                    return null;
                }
                // The same HS256 JWT as signed webhooks; there is no body, so payload_hash is that of the empty body.
                return "Bearer " + WebhookSigner.CreateToken(secret, [], _time.GetUtcNow(), Guid.NewGuid().ToString("D"), _application.ApiKey, _application.ApplicationId);
            default:
                return null;
        }
    }

    /// <summary>Ends the leg once: the media thread lets go of it and the send loop closes the socket.</summary>
    private void End()
    {
        lock (_stateGate)
        {
            if (Interlocked.Exchange(ref _ended, 1) != 0) return;
            _open = false;
            // After the addition when the leg opened (both under the lock); a no-op when it never did.
            _mediaThread.Post(() => _mediaThread.Remove(_media));
        }
        _send.Writer.TryComplete();
        if (_socket is null) _lifetime.Cancel(); // still connecting
    }

    private async Task SendLoopAsync(WebSocket socket)
    {
        try
        {
            await foreach (var o in _send.Reader.ReadAllAsync().ConfigureAwait(false))
            {
                try
                {
                    if (socket.State == WebSocketState.Open)
                    {
                        await socket.SendAsync(o.Buffer.AsMemory(0, o.Length), o.Type, true, _lifetime.Token).ConfigureAwait(false);
                        if (o.Type == WebSocketMessageType.Binary && Interlocked.Increment(ref _framesSent) == 1) WebSocketTracing.FirstFrame(_span, "sent");
                    }
                }
                finally
                {
                    if (o.Pooled) _pool.Enqueue(o.Buffer);
                }
            }
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                using var timeout = new CancellationTokenSource(CloseTimeout);
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, Volatile.Read(ref _platformHangup) != 0 ? "hangup" : "", timeout.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            // The connection is gone; the receive loop reports it.
        }
        catch (Exception e)
        {
            // Nothing can be sent any more: the application would hear silence from a leg that looks live. The receive loop
            // is stopped now and reports the leg ended as a dropped connection.
            _logger.SocketFailed(e, LegId, _endpoint.Uri);
            _lifetime.Cancel();
        }
        finally
        {
            // Stop the receive loop if the app never acknowledges the close.
            _lifetime.CancelAfter(CloseTimeout);
        }
    }

    private async Task ReceiveLoopAsync(WebSocket socket)
    {
        var chunk = new byte[16 * 1024];
        var message = new ArrayBufferWriter<byte>(4096);
        var oversized = false;
        try
        {
            while (true)
            {
                var r = await socket.ReceiveAsync(chunk.AsMemory(), _lifetime.Token).ConfigureAwait(false);
                if (r.MessageType == WebSocketMessageType.Close) break;
                if (!oversized && message.WrittenCount + r.Count <= MaxMessageBytes) message.Write(chunk.AsSpan(0, r.Count));
                else oversized = true;
                if (!r.EndOfMessage) continue;
                if (oversized) Warn("message larger than {0} bytes ignored", MaxMessageBytes);
                else if (r.MessageType == WebSocketMessageType.Binary) OnAudio(message.WrittenSpan);
                else OnText(message.WrittenSpan);
                message.ResetWrittenCount();
                oversized = false;
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            // Dropped connection or our own close: handled below like a close frame.
        }
        catch (Exception e)
        {
            // Escaping, it would end this task unobserved and leave the leg live and mixed with nobody on the socket; it is
            // a dropped connection instead (the leg ends, its media leaves the media thread, its final event goes once).
            _logger.SocketFailed(e, LegId, _endpoint.Uri);
        }
        if (Volatile.Read(ref _platformHangup) == 0 && Volatile.Read(ref _ended) == 0)
        {
            _logger.ClosedByApplication(LegId, _endpoint.Uri);
            _sink?.HungUp();
        }
    }

    private void OnAudio(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length == 0 || bytes.Length % _frameBytes != 0)
        {
            Warn("binary message of {0} bytes ignored: frames are {1} bytes (20 ms of 16-bit PCM at " + SampleRate + " Hz)", bytes.Length, _frameBytes);
            return;
        }
        if (Interlocked.Add(ref _framesReceived, bytes.Length / _frameBytes) == bytes.Length / _frameBytes) WebSocketTracing.FirstFrame(_span, "received");
        for (var i = 0; i < bytes.Length; i += _frameBytes)
        {
            if (!_received.TryWrite(bytes.Slice(i, _frameBytes)))
            {
                Warn("playback buffer full ({0} frames): audio dropped", AppAudioBuffer.CapacityFrames);
                if (Interlocked.Exchange(ref _receiveBufferFullReported, 1) == 0) WebSocketTracing.Dropped(_span, "media.receive_buffer_full", AppAudioBuffer.CapacityFrames);
                return;
            }
        }
    }

    private void OnText(ReadOnlySpan<byte> bytes)
    {
        string? action;
        JsonElement? payload = null;
        try
        {
            using var doc = JsonDocument.Parse(bytes.ToArray());
            if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("action", out var a) || a.ValueKind != JsonValueKind.String)
            {
                Warn("text message without an \"action\" string ignored");
                return;
            }
            action = a.GetString();
            if (doc.RootElement.TryGetProperty("payload", out var p)) payload = p.Clone();
        }
        catch (JsonException e)
        {
            Warn("text message is not JSON ({0}); ignored", e.Message);
            return;
        }
        switch (action)
        {
            case "clear":
                var due = _received.Clear();
                SendText(WebSocketMessages.Cleared);
                foreach (var reply in due) _sendNotify(reply);
                break;
            case "notify":
                _received.Mark(WebSocketMessages.Notify(payload), _sendNotify);
                break;
            default:
                Warn("unknown action \"{0}\" ignored", action);
                break;
        }
    }

    private void SendText(byte[] json)
    {
        if (!_send.Writer.TryWrite(new Outgoing(json, json.Length, WebSocketMessageType.Text, Pooled: false)))
            _logger.SendQueueFull(LegId);
    }

    /// <summary>Logs the first 10 protocol problems of a leg, then every 100th (an app in a loop must not flood the log).</summary>
    private void Warn(string format, params object?[] args)
    {
        var n = Interlocked.Increment(ref _warnings);
        if (n <= 10 || n % 100 == 0)
            _logger.ProtocolProblem(LegId, string.Format(System.Globalization.CultureInfo.InvariantCulture, format, args), n);
    }

    private readonly record struct Outgoing(byte[] Buffer, int Length, WebSocketMessageType Type, bool Pooled);
}
