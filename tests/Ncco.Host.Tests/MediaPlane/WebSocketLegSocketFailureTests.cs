using System.Net.WebSockets;
using Microsoft.Extensions.Logging;
using Ncco.Model;

namespace Ncco.Host.Tests.MediaPlane;

/// <summary>
/// A WebSocket leg whose socket fails with an exception no socket is documented to raise (outside the list its loops
/// catch) still ends: once, as a dropped connection — its final event goes out one time, its media leaves the media
/// thread, the application's socket is let go, and the failure is logged once. The real loopback socket is wrapped
/// once it opened.
/// </summary>
public sealed class WebSocketLegSocketFailureTests
{
    /// <summary>The leg's socket, failing its first receive or its first send with an exception no socket loop lists.</summary>
    private sealed class FailingSocket(WebSocket inner, bool failReceive) : WebSocket
    {
        public override WebSocketCloseStatus? CloseStatus => inner.CloseStatus;

        public override string? CloseStatusDescription => inner.CloseStatusDescription;

        public override WebSocketState State => inner.State;

        public override string? SubProtocol => inner.SubProtocol;

        public override void Abort() => inner.Abort();

        public override Task CloseAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken) =>
            inner.CloseAsync(closeStatus, statusDescription, cancellationToken);

        public override Task CloseOutputAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken) =>
            inner.CloseOutputAsync(closeStatus, statusDescription, cancellationToken);

        public override void Dispose() => inner.Dispose();

        public override Task<WebSocketReceiveResult> ReceiveAsync(ArraySegment<byte> buffer, CancellationToken cancellationToken) => failReceive
            ? Task.FromException<WebSocketReceiveResult>(new InvalidOperationException("the connection's reader failed"))
            : inner.ReceiveAsync(buffer, cancellationToken);

        public override Task SendAsync(ArraySegment<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken) => failReceive
            ? inner.SendAsync(buffer, messageType, endOfMessage, cancellationToken)
            : Task.FromException(new InvalidOperationException("the connection's writer failed"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_socket_failing_unexpectedly_ends_the_leg_once_and_takes_its_media_off_the_media_thread(bool failReceive)
    {
        var logs = new Ncco.Host.Tests.Support.ListLoggerProvider();
        using var loggers = LoggerFactory.Create(b => b.AddProvider(logs));
        await using var h = await MediaHarness.StartAsync(loggers, socket => new FailingSocket(socket, failReceive));
        // A conversation: the leg would stay mixed, and its call live, for as long as nobody ends it.
        var (leg, app) = await h.CallSocketAsync("failing", NccoBuilder.Create().Conversation("failing-room").Build());

        await h.StatusAsync(leg.Id, "completed", TimeSpan.FromSeconds(10));
        // The application's end is let go (closed or dropped), and the media thread holds nothing.
        await app.Closed.WaitAsync(TimeSpan.FromSeconds(10));
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (h.Media.MediaThread.Metrics.LegsActive != 0 && waited.Elapsed < TimeSpan.FromSeconds(10)) await Task.Delay(20);
        Assert.Equal(0, h.Media.MediaThread.Metrics.LegsActive);
        Assert.True(leg.IsEnded);
        // Whatever else came after the failure (the close, the socket's disposal) sent no second final event.
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Single(h.Events, e => MediaHarness.Field(e, "uuid") == leg.Id && MediaHarness.Field(e, "status") == "completed");
        Assert.DoesNotContain(h.Events, e => MediaHarness.Field(e, "uuid") == leg.Id && MediaHarness.Field(e, "status") is "failed" or "unanswered");
        // The failure is said once, with the leg (a failed send used to leave the send loop's task faulted, unobserved).
        Assert.Single(logs.Messages, m => m.Contains($"Leg {leg.Id}: websocket", StringComparison.Ordinal) && m.Contains("does not expect", StringComparison.Ordinal));
    }
}
