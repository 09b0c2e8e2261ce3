using System.Net.WebSockets;
using System.Threading.Channels;
using Ncco.Conversations;
using Ncco.Host.MediaPlane;
using Ncco.Legs;

namespace Ncco.Host.Cluster;

/// <summary>
/// One end of a conversation bridge between two nodes: the audio of one bridged leg, as 20 ms binary frames of 16-bit
/// LE PCM at 16 kHz each way over a WebSocket. On the leg's node it is the bridge leg (the client: <see cref="ILegTransport.Dial"/>
/// opens the socket to the host); on the host it is the transport of the leg's stand-in (the server end, run by the
/// bridge endpoint). Either end closing, or the connection dropping, is a hang-up of the other end.
/// </summary>
/// <remarks>
/// Received frames wait at most <see cref="MaxQueuedFrames"/> deep (older ones are dropped): the two nodes' media clocks
/// tick independently, and a bridge must not let delay accumulate. After running dry the playout waits for
/// <see cref="PrimeFrames"/> frames, so a late tick on one side costs one frame of delay rather than a gap every tick;
/// a frame that stayed queued for a whole <see cref="ShrinkWindowFrames"/> window is dropped, so that delay does not stay.
/// Keys cross as the tones the mix carries (no key messages on a bridge).
/// </remarks>
internal sealed class ConversationBridgeSocket : IConversationBridgeTransport, IMediaTransport
{
    /// <summary>The bridge's sample rate (wide band, as the media thread mixes).</summary>
    public const int Rate = 16000;

    /// <summary>Received frames kept at most (older ones are dropped).</summary>
    public const int MaxQueuedFrames = 5;

    /// <summary>Frames waited for after the playout ran dry.</summary>
    public const int PrimeFrames = 2;

    /// <summary>Frames read between two checks of the queue's shallowest depth (1 s).</summary>
    public const int ShrinkWindowFrames = 50;

    private const int FrameSamples = Rate / 50;
    private const int FrameBytes = FrameSamples * sizeof(short);
    private const int SendQueueFrames = 8;
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(2);

    private readonly MediaThread _mediaThread;
    private readonly ILogger _logger;
    private readonly Func<CancellationToken, Task<WebSocket>>? _connect;
    private readonly LegMedia _media;
    private readonly Queue<short[]> _received = new();
    private readonly Lock _receivedGate = new();
    private readonly System.Collections.Concurrent.ConcurrentQueue<byte[]> _pool = new();
    private readonly Channel<byte[]> _send;
    private readonly CancellationTokenSource _lifetime = new();
    // Opening (the media joins the media thread) and ending (it leaves) are decided under this lock, so that a hang-up
    // racing the socket's opening can never post the media's removal before its addition and leave it mixed for good.
    private readonly Lock _stateGate = new();
    private ILegEventSink? _sink;
    private volatile bool _open;
    private bool _priming = true;
    private int _shallowest = int.MaxValue;
    private int _reads;
    private bool _ended;
    private volatile bool _opened;
    private volatile bool _closedByPeer;
    private int _platformHangup;

    /// <param name="legId">The VM's uuid of this end's leg (the bridge leg, or the stand-in: the real leg's uuid).</param>
    /// <param name="mediaThread">The node's media thread.</param>
    /// <param name="logger">Where connection failures are logged.</param>
    /// <param name="connect">The client end: opens the socket to the host. Null for the host's end (<see cref="RunAsync"/> gets the accepted socket).</param>
    public ConversationBridgeSocket(string legId, MediaThread mediaThread, ILogger logger, Func<CancellationToken, Task<WebSocket>>? connect)
    {
        LegId = legId;
        _mediaThread = mediaThread;
        _logger = logger;
        _connect = connect;
        _media = new LegMedia(mediaThread, legId, this);
        _send = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(SendQueueFrames) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            dropped => _pool.Enqueue(dropped));
    }

    /// <summary>The leg this end carries.</summary>
    public string LegId { get; }

    /// <summary>Frames received and dropped because the playout was already <see cref="MaxQueuedFrames"/> deep.</summary>
    public long FramesDropped { get; private set; }

    /// <inheritdoc />
    public bool WasOpened => _opened;

    /// <inheritdoc />
    public bool IsLost => Ended && !_closedByPeer && Volatile.Read(ref _platformHangup) == 0;

    private bool Ended
    {
        get
        {
            lock (_stateGate) return _ended;
        }
    }

    int IMediaTransport.SampleRate => Rate;

    void ILegTransport.Attach(ILegEventSink sink)
    {
        _sink = sink;
        _media.Sink = sink;
    }

    void ILegTransport.Answer()
    {
        // The host's end is answered by the bridge endpoint, which runs the accepted socket.
    }

    void ILegTransport.Dial() => _ = Task.Run(() => RunAsync(null)); // the socket is not VM work

    void ILegTransport.Play(Playback playback) => _mediaThread.Play(_media, playback, _sink);

    void ILegTransport.StopPlayback(long playbackId) => _mediaThread.StopPlayback(_media, playbackId);

    void ILegTransport.Hangup()
    {
        Interlocked.Exchange(ref _platformHangup, 1);
        End();
    }

    bool IMediaTransport.ReadInbound(Span<short> frame)
    {
        short[]? next;
        lock (_receivedGate)
        {
            if (_priming && _received.Count < PrimeFrames) return false;
            _priming = false;
            if (!_received.TryDequeue(out next))
            {
                _priming = true;
                _shallowest = int.MaxValue;
                _reads = 0;
                return false;
            }
            // A frame that stayed queued for a whole window is delay nobody needs (the far clock ran ahead once): drop one.
            _shallowest = Math.Min(_shallowest, _received.Count);
            if (++_reads == ShrinkWindowFrames)
            {
                if (_shallowest > 0 && _received.TryDequeue(out _)) FramesDropped++;
                _shallowest = int.MaxValue;
                _reads = 0;
            }
        }
        next.AsSpan().CopyTo(frame);
        return true;
    }

    void IMediaTransport.WriteOutbound(ReadOnlySpan<short> frame)
    {
        if (!_open) return;
        var buffer = _pool.TryDequeue(out var b) ? b : new byte[FrameBytes];
        Ncco.Media.Pcm.Pcm16.ToLittleEndianBytes(frame, buffer);
        _send.Writer.TryWrite(buffer);
    }

    bool IMediaTransport.ConversationDtmf(char digit, int durationMilliseconds) => false;

    /// <summary>
    /// Runs the bridge until either end closes it: <paramref name="accepted"/> on the host, or (null) the socket this end
    /// opens. The other end going is reported to the VM as a hang-up.
    /// </summary>
    public async Task RunAsync(WebSocket? accepted)
    {
        var socket = accepted;
        if (socket is null)
        {
            using var connecting = CancellationTokenSource.CreateLinkedTokenSource(_lifetime.Token);
            connecting.CancelAfter(ConnectTimeout);
            try
            {
                socket = await _connect!(connecting.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is WebSocketException or HttpRequestException or OperationCanceledException or IOException)
            {
                End();
                Stopped(ConversationBridgeEnd.NotOpened, e);
                if (Volatile.Read(ref _platformHangup) == 0)
                {
                    _logger.BridgeCannotOpen(LegId, e.Message);
                    _sink?.HungUp();
                }
                return;
            }
        }
        var stopped = ConversationBridgeEnd.Failed;
        Exception? failure = null;
        try
        {
            lock (_stateGate)
            {
                if (!_ended)
                {
                    _open = true;
                    _opened = true;
                    _mediaThread.Post(() => _mediaThread.Add(_media));
                }
            }
            if (!_open)
            {
                stopped = ConversationBridgeEnd.NotOpened;
                await CloseAsync(socket).ConfigureAwait(false);
                return;
            }
            var sending = SendLoopAsync(socket);
            (stopped, failure) = await ReceiveLoopAsync(socket).ConfigureAwait(false);
            // Ended before the VM hears of it, so that the VM reads IsLost settled.
            var reportHangup = Volatile.Read(ref _platformHangup) == 0 && !Ended;
            End();
            if (reportHangup) _sink?.HungUp();
            await sending.ConfigureAwait(false);
        }
        catch (Exception e)
        {
            failure = e;
            throw;
        }
        finally
        {
            // A failure the loops do not expect still ends the bridge: otherwise its media stays mixed and its leg (the
            // stand-in, or the bridge leg) stays in the conversation with nobody on the other end.
            if (!Ended)
            {
                var reportHangup = Volatile.Read(ref _platformHangup) == 0;
                End();
                if (reportHangup) _sink?.HungUp();
            }
            socket.Dispose();
            Stopped(stopped, failure);
        }
    }

    /// <summary>The host's end: the socket was never accepted (the other node went first); the stand-in hangs up.</summary>
    public void Abandon()
    {
        var reportHangup = Volatile.Read(ref _platformHangup) == 0 && !Ended;
        End();
        Stopped(ConversationBridgeEnd.NotOpened, null);
        if (reportHangup) _sink?.HungUp();
    }

    /// <summary>Counts and logs (Debug) why this end stopped, once per run.</summary>
    private void Stopped(ConversationBridgeEnd cause, Exception? failure)
    {
        var end = _connect is null ? "host" : "leg";
        var name = cause switch
        {
            ConversationBridgeEnd.PeerClosed => "peer_closed",
            ConversationBridgeEnd.EndedHere => "ended_here",
            ConversationBridgeEnd.Dropped => "dropped",
            ConversationBridgeEnd.NotOpened => "not_opened",
            _ => "failed",
        };
        _mediaThread.Metrics.BridgeEnded(end, name);
        _logger.BridgeEnded(end, LegId, name, failure is null ? "" : $" ({failure.GetType().Name}: {failure.Message})");
    }

    private void End()
    {
        lock (_stateGate)
        {
            if (_ended) return;
            _ended = true;
            _open = false;
            // Posted after the addition when the socket opened (both under the lock), a no-op when it never did.
            _mediaThread.Post(() => _mediaThread.Remove(_media));
        }
        _send.Writer.TryComplete();
        _lifetime.CancelAfter(CloseTimeout);
    }

    private async Task SendLoopAsync(WebSocket socket)
    {
        try
        {
            await foreach (var frame in _send.Reader.ReadAllAsync().ConfigureAwait(false))
            {
                try
                {
                    if (socket.State == WebSocketState.Open) await socket.SendAsync(frame, WebSocketMessageType.Binary, true, _lifetime.Token).ConfigureAwait(false);
                }
                finally
                {
                    _pool.Enqueue(frame);
                }
            }
            await CloseAsync(socket).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            // The connection is gone; the receive loop reports it.
        }
    }

    private static async Task CloseAsync(WebSocket socket)
    {
        if (socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived)) return;
        using var timeout = new CancellationTokenSource(CloseTimeout);
        try
        {
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "left", timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            // Gone already.
        }
    }

    /// <summary>Receives until the peer closes or the connection fails; says which (a hang-up here first counts as <see cref="ConversationBridgeEnd.EndedHere"/>).</summary>
    private async Task<(ConversationBridgeEnd Cause, Exception? Failure)> ReceiveLoopAsync(WebSocket socket)
    {
        var buffer = new byte[FrameBytes];
        var filled = 0;
        try
        {
            while (true)
            {
                var r = await socket.ReceiveAsync(buffer.AsMemory(filled), _lifetime.Token).ConfigureAwait(false);
                if (r.MessageType == WebSocketMessageType.Close)
                {
                    var endedHere = Ended;
                    _closedByPeer = true;
                    return (endedHere ? ConversationBridgeEnd.EndedHere : ConversationBridgeEnd.PeerClosed, null);
                }
                filled += r.Count;
                if (!r.EndOfMessage && filled < FrameBytes) continue;
                // A frame is exactly FrameBytes; anything else (a bad peer) is dropped whole.
                if (r.EndOfMessage && filled == FrameBytes && r.MessageType == WebSocketMessageType.Binary) Queue(buffer);
                if (!r.EndOfMessage) await SkipRestAsync(socket).ConfigureAwait(false);
                filled = 0;
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            // Dropped connection or our own close: handled as a close.
            return (Ended ? ConversationBridgeEnd.EndedHere : ConversationBridgeEnd.Dropped, e);
        }
    }

    private async Task SkipRestAsync(WebSocket socket)
    {
        var scratch = new byte[4096];
        while (!(await socket.ReceiveAsync(scratch.AsMemory(), _lifetime.Token).ConfigureAwait(false)).EndOfMessage)
        {
        }
    }

    private void Queue(byte[] bytes)
    {
        var samples = new short[FrameSamples];
        for (var i = 0; i < FrameSamples; i++) samples[i] = (short)(bytes[2 * i] | (bytes[(2 * i) + 1] << 8));
        lock (_receivedGate)
        {
            _received.Enqueue(samples);
            while (_received.Count > MaxQueuedFrames)
            {
                _received.Dequeue();
                FramesDropped++;
            }
        }
    }
}
