using System.Net.WebSockets;
using Microsoft.Extensions.Logging.Abstractions;
using Ncco.Host.Cluster;
using Ncco.Host.MediaPlane;
using Ncco.Host.Tests.Support;
using Ncco.Legs;
using Ncco.Media.Playback;

namespace Ncco.Host.Tests.Cluster;

/// <summary>
/// A bridge end stops once, whatever stops it — its peer closing, a hang-up here, a socket failure its loops do not
/// expect — leaving the media thread, hanging its leg up only when the hang-up did not come from here, and counting why
/// (<c>ncco.cluster.bridge_ends</c>). Fake sockets and a media thread ticked by hand: no timing involved.
/// </summary>
public sealed class ConversationBridgeSocketTeardownTests : IAsyncDisposable
{
    private readonly HttpClient _http = new();
    private readonly MediaMetrics _metrics = new(null);
    private readonly MediaThread _mediaThread;

    public ConversationBridgeSocketTeardownTests()
    {
        var cache = Directory.CreateTempSubdirectory("ncco-media-cache-").FullName;
        _mediaThread = new MediaThread(TimeProvider.System, _metrics, new PlaybackRenderer(null, new StreamPlayer(_http, TimeProvider.System, new StreamPlayerOptions(cache))),
            null, NullLogger.Instance, startClock: false);
    }

    /// <summary>An accepted socket whose first receive fails with an exception no socket loop lists.</summary>
    private sealed class FailingSocket : WebSocket
    {
        public bool Disposed { get; private set; }

        public override WebSocketCloseStatus? CloseStatus => null;

        public override string? CloseStatusDescription => null;

        public override WebSocketState State => Disposed ? WebSocketState.Closed : WebSocketState.Open;

        public override string? SubProtocol => null;

        public override void Abort() => Disposed = true;

        public override Task CloseAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken) => Task.CompletedTask;

        public override Task CloseOutputAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken) => Task.CompletedTask;

        public override void Dispose() => Disposed = true;

        public override Task<WebSocketReceiveResult> ReceiveAsync(ArraySegment<byte> buffer, CancellationToken cancellationToken) =>
            Task.FromException<WebSocketReceiveResult>(new InvalidOperationException("the connection's reader failed"));

        public override Task SendAsync(ArraySegment<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    /// <summary>
    /// An accepted socket whose receives wait for what the test (or its own close, answered by the peer) puts in: a close
    /// sent here gets the peer's close back, as a live peer would answer.
    /// </summary>
    private sealed class ScriptedSocket : WebSocket
    {
        private readonly System.Threading.Channels.Channel<WebSocketMessageType> _incoming = System.Threading.Channels.Channel.CreateUnbounded<WebSocketMessageType>();
        private WebSocketState _state = WebSocketState.Open;

        public int ClosesSent { get; private set; }

        public bool Disposed { get; private set; }

        public override WebSocketCloseStatus? CloseStatus => null;

        public override string? CloseStatusDescription => null;

        public override WebSocketState State => _state;

        public override string? SubProtocol => null;

        public void PeerCloses() => _incoming.Writer.TryWrite(WebSocketMessageType.Close);

        public override void Abort() => _state = WebSocketState.Aborted;

        public override Task CloseAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken) =>
            CloseOutputAsync(closeStatus, statusDescription, cancellationToken);

        public override Task CloseOutputAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken)
        {
            ClosesSent++;
            _state = _state == WebSocketState.CloseReceived ? WebSocketState.Closed : WebSocketState.CloseSent;
            PeerCloses();
            return Task.CompletedTask;
        }

        public override void Dispose()
        {
            Disposed = true;
            _state = WebSocketState.Closed;
        }

        public override async Task<WebSocketReceiveResult> ReceiveAsync(ArraySegment<byte> buffer, CancellationToken cancellationToken)
        {
            var type = await _incoming.Reader.ReadAsync(cancellationToken);
            _state = _state == WebSocketState.CloseSent ? WebSocketState.Closed : WebSocketState.CloseReceived;
            return new WebSocketReceiveResult(0, type, true, WebSocketCloseStatus.NormalClosure, "left");
        }

        public override Task SendAsync(ArraySegment<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private sealed class HangupSink : LegEventSinkBase
    {
        public int HungUps { get; private set; }

        public override void HungUp() => HungUps++;
    }

    [Fact]
    public async Task An_unexpected_receive_failure_removes_the_stand_ins_media_and_hangs_it_up()
    {
        var bridge = new ConversationBridgeSocket("leg-1", _mediaThread, NullLogger.Instance, connect: null);
        var sink = new HangupSink();
        ((ILegTransport)bridge).Attach(sink);
        var socket = new FailingSocket();

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => bridge.RunAsync(socket));

        Assert.Equal("the connection's reader failed", failure.Message);
        Assert.True(bridge.WasOpened);
        Assert.True(bridge.IsLost); // neither a close from the peer nor a platform hang-up: a re-join is due
        Assert.Equal(1, sink.HungUps);
        Assert.True(socket.Disposed);
        _mediaThread.Tick(); // the addition and the removal, in that order
        Assert.Equal(0, _metrics.LegsActive);
        Assert.Null(_mediaThread.FindLeg("leg-1"));
        Assert.Equal(1, _metrics.BridgeEnds("host", "failed"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_running_bridge_stops_once_leaving_the_media_thread_and_counts_who_ended_it(bool hungUpHere)
    {
        var bridge = new ConversationBridgeSocket("leg-2", _mediaThread, NullLogger.Instance, connect: null);
        var sink = new HangupSink();
        ((ILegTransport)bridge).Attach(sink);
        var socket = new ScriptedSocket();

        var running = bridge.RunAsync(socket);
        _mediaThread.Tick();
        Assert.Equal(1, _metrics.LegsActive);
        // The VM ending the stand-in sends the close and gets the peer's back; the peer closing gets its close answered.
        if (hungUpHere) ((ILegTransport)bridge).Hangup();
        else socket.PeerCloses();
        await running.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.False(bridge.IsLost); // closed, not lost: no re-join
        Assert.Equal(hungUpHere ? 0 : 1, sink.HungUps); // the VM hears of the peer's close, once, and of nothing it did itself
        Assert.Equal(1, socket.ClosesSent);
        Assert.True(socket.Disposed);
        _mediaThread.Tick();
        Assert.Equal(0, _metrics.LegsActive);
        Assert.Equal(hungUpHere ? 1 : 0, _metrics.BridgeEnds("host", "ended_here"));
        Assert.Equal(hungUpHere ? 0 : 1, _metrics.BridgeEnds("host", "peer_closed"));
    }

    [Fact]
    public async Task A_stand_in_hung_up_before_its_socket_runs_never_joins_the_media_thread_and_counts_not_opened()
    {
        var bridge = new ConversationBridgeSocket("leg-4", _mediaThread, NullLogger.Instance, connect: null);
        var sink = new HangupSink();
        ((ILegTransport)bridge).Attach(sink);
        var socket = new ScriptedSocket();

        ((ILegTransport)bridge).Hangup();
        await bridge.RunAsync(socket).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.False(bridge.WasOpened);
        Assert.Equal(0, sink.HungUps);
        Assert.True(socket.Disposed);
        _mediaThread.Tick();
        Assert.Equal(0, _metrics.LegsActive);
        Assert.Null(_mediaThread.FindLeg("leg-4"));
        Assert.Equal(1, _metrics.BridgeEnds("host", "not_opened"));
    }

    public async ValueTask DisposeAsync()
    {
        await _mediaThread.DisposeAsync();
        _metrics.Dispose();
        _http.Dispose();
    }
}
