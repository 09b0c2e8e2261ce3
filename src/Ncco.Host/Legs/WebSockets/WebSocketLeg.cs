using System.Buffers;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
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
/// buffered (<see cref="AppAudioBuffer"/>) and played into the conversation. Text frames: <c>clear</c> and <c>notify</c>. Keys pressed on other legs of the
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
/// are dropped rather than buffered without limit. They are written by the host's one <see cref="WebSocketSendPump"/>
/// thread, woken per media tick (not per leg when busy), not by a send loop per leg woken per frame.</item>
/// <item>DTMF tones in the app's audio are not keys (<see cref="Configuration.MediaOptions.WebSocketKeyTones"/>, default
/// off): as on Vonage, keys come from callers and reach the app as <c>websocket:dtmf</c>.</item>
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
    private readonly WebSocketSendPump _pump;
    private readonly bool _detectKeyTones;
    // What waits for the pump, and the spare frame arrays (as many as were ever queued at once), under _queueGate.
    private readonly Lock _queueGate = new();
    private readonly Queue<Outgoing> _queue = new(); // grows to the deepest backlog seen (a frame or two for a reading app)
    private readonly Stack<byte[]> _spare = new();
    private bool _sendCompleted;
    private bool _closing;
    private volatile bool _sendFailed;
    private volatile bool _unflushed;
    private int _scheduled;
    private int _pumping;
    private readonly TaskCompletionSource _sendDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _lifetime = new();
    private readonly Action<string> _sendNotify;
    private ILegEventSink? _sink;
    private volatile WebSocket? _socket;
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

    internal WebSocketLeg(string legId, WebSocketEndpoint endpoint, VoiceApplication application, MediaThread mediaThread, WebSocketSendPump pump,
        TimeProvider time, ILogger logger, ActivityContext traceParent = default, bool detectKeyTones = false)
    {
        _pump = pump;
        _detectKeyTones = detectKeyTones;
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
    public long FramesDropped => Interlocked.Read(ref _framesDropped);

    private long _framesDropped;

    /// <summary>Frame arrays queued or being sent, not yet back for reuse (tests).</summary>
    internal int SendBuffersInUse
    {
        get
        {
            lock (_queueGate) return SendBuffers - _spare.Count;
        }
    }

    /// <summary>Frame arrays this leg allocated for sending: the deepest backlog it had, not one per frame (tests).</summary>
    internal int SendBuffers { get; private set; }

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

    bool IMediaTransport.DetectsKeyTones => _detectKeyTones;

    bool IMediaTransport.ReadInbound(Span<short> frame) => _received.TryRead(frame, _sendNotify);

    void IMediaTransport.WriteOutbound(ReadOnlySpan<short> frame)
    {
        if (!_open) return;
        NoteLateClock();
        lock (_queueGate)
        {
            if (_sendCompleted) return;
            if (_queue.Count >= SendQueueFrames)
            {
                DroppedFrame();
                return;
            }
            var buffer = _spare.TryPop(out var b) ? b : NewSendBuffer();
            Ncco.Media.Pcm.Pcm16.ToLittleEndianBytes(frame, buffer);
            _queue.Enqueue(new Outgoing(buffer, _frameBytes, WebSocketMessageType.Binary, Pooled: true));
        }
        _unflushed = true;
    }

    /// <summary>After every leg's frame of the tick is built: one hand-over of this leg to the pump, which the media thread wakes after the flush.</summary>
    void IMediaTransport.FlushOutbound()
    {
        if (!_unflushed) return;
        _unflushed = false;
        if (Interlocked.Exchange(ref _scheduled, 1) != 0) return;
        // Queued now, woken once after every leg's flush (one wake per tick, not one per leg).
        _pump.Defer(this);
        _mediaThread.AfterFlush(_pump);
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
        var live = OpenedSocket?.Invoke(socket) ?? socket;
        _socket = live;
        WebSocketTracing.Connected(_span, (int)socket.HttpStatusCode, _time.GetElapsedTime(started));
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
            CompleteSends();
            await SentAsync().ConfigureAwait(false); // closes it
            WebSocketTracing.End(_span, "platform", live.CloseStatus, live.CloseStatusDescription, Counters());
            live.Dispose();
            return;
        }
        _sink?.Answered();
        await ReceiveLoopAsync(live).ConfigureAwait(false);
        End();
        await SentAsync().ConfigureAwait(false);
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
        CompleteSends();
        if (_socket is null) _lifetime.Cancel(); // still connecting
    }

    // ---- sending (the pump's thread; a backed-up socket's continuation) ------------------------------------------

    /// <summary>No more messages: once the queued ones are sent, the socket's output is closed.</summary>
    private void CompleteSends()
    {
        lock (_queueGate) _sendCompleted = true;
        Schedule();
    }

    /// <summary>Waits for the queue to drain and the close to go out; a send stuck on a socket the app stopped reading is given up.</summary>
    private async Task SentAsync()
    {
        try
        {
            await _sendDone.Task.WaitAsync(CloseTimeout + CloseTimeout, _time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Disposing the socket next fails the stuck send.
        }
    }

    private void Schedule()
    {
        if (Interlocked.Exchange(ref _scheduled, 1) == 0) _pump.Schedule(this);
    }

    /// <summary>The pump's turn for this leg: sends what is queued.</summary>
    internal void Pump()
    {
        Volatile.Write(ref _scheduled, 0);
        Drain();
    }

    /// <summary>
    /// Sends the queue in order, by one thread at a time (a WebSocket takes one send at a time). A send the socket
    /// completes at once is the whole cost; one it cannot (the app is not reading) is awaited and the rest of the queue
    /// is sent from its continuation, off the pump.
    /// </summary>
    private void Drain()
    {
        while (Interlocked.CompareExchange(ref _pumping, 1, 0) == 0)
        {
            if (SendQueued()) return; // a send went asynchronous: its continuation owns the queue now
            Volatile.Write(ref _pumping, 0);
            if (_socket is null) return; // ConnectAsync schedules the leg once the socket is open
            // Something queued after the queue was seen empty, whose Schedule found this thread still draining?
            lock (_queueGate)
            {
                if (_queue.Count == 0 && (!_sendCompleted || _closing)) return;
            }
        }
    }

    /// <summary>Sends until the queue is empty (false) or a send did not complete at once (true: it continues on its own).</summary>
    private bool SendQueued()
    {
        if (_socket is not { } socket) return false; // still connecting: the connected message goes first, then the rest
        while (true)
        {
            Outgoing o;
            lock (_queueGate)
            {
                if (!_queue.TryDequeue(out o))
                {
                    if (_sendCompleted && !_closing)
                    {
                        _closing = true;
                        _ = CloseAsync(socket);
                    }
                    return false;
                }
            }
            if (_sendFailed || socket.State != WebSocketState.Open)
            {
                Release(o);
                continue;
            }
            ValueTask send;
            try
            {
                // No cancellation token: with one the socket takes its slower, allocating path; a send stuck on an app that
                // stopped reading ends when the socket is disposed (SentAsync).
                send = socket.SendAsync(o.Buffer.AsMemory(0, o.Length), o.Type, WebSocketMessageFlags.EndOfMessage, CancellationToken.None);
            }
            catch (Exception e) when (e is WebSocketException or IOException or ObjectDisposedException or InvalidOperationException)
            {
                SendFailed();
                Release(o);
                continue;
            }
            catch (Exception e)
            {
                SocketFailed(e);
                Release(o);
                continue;
            }
            if (!send.IsCompleted)
            {
                _ = FinishSendAsync(send, o);
                return true;
            }
            try
            {
                send.GetAwaiter().GetResult();
                Sent(o);
            }
            catch (Exception e) when (e is WebSocketException or IOException or ObjectDisposedException or OperationCanceledException)
            {
                SendFailed();
            }
            catch (Exception e)
            {
                SocketFailed(e);
            }
            Release(o);
        }
    }

    private async Task FinishSendAsync(ValueTask send, Outgoing o)
    {
        try
        {
            await send.ConfigureAwait(false);
            Sent(o);
        }
        catch (Exception e) when (e is WebSocketException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            SendFailed();
        }
        catch (Exception e)
        {
            SocketFailed(e);
        }
        finally
        {
            Release(o);
        }
        Volatile.Write(ref _pumping, 0);
        Drain();
    }

    private async Task CloseAsync(WebSocket socket)
    {
        try
        {
            if (!_sendFailed && socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
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
            SocketFailed(e);
        }
        finally
        {
            // Stop the receive loop if the app never acknowledges the close.
            _lifetime.CancelAfter(CloseTimeout);
            _sendDone.TrySetResult();
        }
    }

    private void Sent(Outgoing o)
    {
        if (o.Type == WebSocketMessageType.Binary && Interlocked.Increment(ref _framesSent) == 1) WebSocketTracing.FirstFrame(_span, "sent");
    }

    /// <summary>The connection is gone: the rest of the queue is let go, and the receive loop (which reports it) is not kept waiting.</summary>
    private void SendFailed()
    {
        _sendFailed = true;
        _lifetime.CancelAfter(CloseTimeout);
    }

    /// <summary>
    /// A send failed in a way a socket does not document: nothing can be sent any more, and the application would hear
    /// silence from a leg that looks live. The receive loop is stopped now and reports the leg ended as a dropped connection.
    /// </summary>
    private void SocketFailed(Exception e)
    {
        _logger.SocketFailed(e, LegId, _endpoint.Uri);
        _sendFailed = true;
        _lifetime.Cancel();
    }

    private void Release(Outgoing o)
    {
        if (!o.Pooled) return;
        lock (_queueGate) _spare.Push(o.Buffer);
    }

    private byte[] NewSendBuffer()
    {
        SendBuffers++;
        return new byte[_frameBytes];
    }

    private void DroppedFrame()
    {
        Interlocked.Increment(ref _framesDropped);
        if (Interlocked.Exchange(ref _sendQueueFullReported, 1) == 0) WebSocketTracing.Dropped(_span, "media.send_queue_full", SendQueueFrames);
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
                if (r.EndOfMessage && message.WrittenCount == 0 && !oversized && r.MessageType == WebSocketMessageType.Binary)
                {
                    OnAudio(chunk.AsSpan(0, r.Count)); // a whole frame in one read (the usual case): no copy
                    continue;
                }
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
        lock (_queueGate)
        {
            if (_sendCompleted) return;
            if (_queue.Count >= SendQueueFrames)
            {
                _logger.SendQueueFull(LegId);
                return;
            }
            _queue.Enqueue(new Outgoing(json, json.Length, WebSocketMessageType.Text, Pooled: false));
        }
        Schedule();
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
