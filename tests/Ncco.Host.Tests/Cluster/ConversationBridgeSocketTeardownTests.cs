using System.Net.WebSockets;
using Microsoft.Extensions.Logging.Abstractions;
using Ncco.Host.Cluster;
using Ncco.Host.MediaPlane;
using Ncco.Host.Tests.Support;
using Ncco.Legs;
using Ncco.Media.Playback;

namespace Ncco.Host.Tests.Cluster;

/// <summary>A bridge whose socket fails in a way its loops do not expect still leaves the media thread and hangs up its leg.</summary>
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
    }

    public async ValueTask DisposeAsync()
    {
        await _mediaThread.DisposeAsync();
        _metrics.Dispose();
        _http.Dispose();
    }
}
