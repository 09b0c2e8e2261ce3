using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace Ncco.Host.Demo;

/// <summary>
/// The demo's WebSocket bot (<c>/demo/bot</c>), the far end of a <c>connect</c> to a <c>websocket</c> endpoint
/// (reference §7): it logs the <c>websocket:connected</c> frame and DTMF frames, and sends every binary audio frame
/// back after <see cref="DemoOptions.EchoDelay"/>, so a caller hears themselves a moment later. Frames go back in the
/// order and size they came, which is what the runtime expects (20 ms of 16-bit PCM each).
/// </summary>
/// <remarks>
/// <para>Receiving and sending run side by side, joined by a bounded queue: a send that stalls drops the oldest audio
/// rather than growing memory. When the peer closes, pending echo is dropped and the close is answered.</para>
/// <para>Echo leaves in batches: the bot wakes when the oldest held frame is <see cref="MaxSendAhead"/> (at most a quarter
/// of the delay) from due and sends every frame due by then, so a frame goes back between <c>EchoDelay − ahead</c> and
/// <c>EchoDelay</c> after it came. One timer per batch instead of one per 20 ms frame (a thousand calls made 50,000
/// timers a second), and sending a little early keeps the far end's playback buffer from running dry between
/// batches. Frame buffers are reused per connection, so echoing allocates nothing per frame.</para>
/// </remarks>
public sealed class EchoBot(IOptions<DemoOptions> options, TimeProvider time, ILogger<EchoBot> logger)
{
    /// <summary>The largest message accepted; audio frames are 640 bytes at 16 kHz, control frames far less.</summary>
    public const int MaxMessageBytes = 64 * 1024;

    /// <summary>
    /// How much earlier than <see cref="DemoOptions.EchoDelay"/> a frame may go back (one batch's span), at most a quarter
    /// of the delay, so a short delay stays close to what was asked.
    /// </summary>
    public static readonly TimeSpan MaxSendAhead = TimeSpan.FromMilliseconds(100);

    // Ten seconds of 20 ms frames: far more than the echo delay needs, small enough to bound memory per call.
    private const int MaxQueuedFrames = 500;

    /// <summary>Echoes on <paramref name="socket"/> until the peer closes it or <paramref name="cancellationToken"/> fires.</summary>
    public async Task RunAsync(WebSocket socket, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(socket);
        var buffers = new FramePool();
        var queue = Channel.CreateBounded<HeldFrame>(new BoundedChannelOptions(MaxQueuedFrames)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.DropOldest,
        }, dropped => buffers.Return(dropped.Buffer));
        using var stopEcho = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var stats = new Stats();
        var echo = EchoAsync(socket, queue.Reader, buffers, stats, stopEcho.Token);
        try
        {
            await ReceiveAsync(socket, queue.Writer, buffers, stats, cancellationToken);
        }
        finally
        {
            queue.Writer.TryComplete();
            await stopEcho.CancelAsync();
            await echo;
            logger.LogInformation("Echo bot: connection ended after {Frames} audio frames received, {Echoed} echoed", stats.Received, stats.Echoed);
        }

        if (socket.State == WebSocketState.CloseReceived)
        {
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", cancellationToken);
        }
    }

    private async Task ReceiveAsync(WebSocket socket, ChannelWriter<HeldFrame> queue, FramePool buffers, Stats stats, CancellationToken cancellationToken)
    {
        var buffer = new byte[MaxMessageBytes];
        while (true)
        {
            var length = 0;
            ValueWebSocketReceiveResult result;
            do
            {
                if (length == buffer.Length)
                {
                    await socket.CloseAsync(WebSocketCloseStatus.MessageTooBig, $"messages are limited to {MaxMessageBytes} bytes", cancellationToken);
                    return;
                }
                result = await socket.ReceiveAsync(buffer.AsMemory(length), cancellationToken);
                length += result.Count;
            }
            while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);

            switch (result.MessageType)
            {
                case WebSocketMessageType.Close:
                    return;
                case WebSocketMessageType.Binary:
                    stats.Received++;
                    var frame = buffers.Rent(length);
                    buffer.AsSpan(0, length).CopyTo(frame);
                    if (!queue.TryWrite(new HeldFrame(frame, length, time.GetTimestamp()))) buffers.Return(frame);
                    break;
                case WebSocketMessageType.Text:
                    OnText(Encoding.UTF8.GetString(buffer, 0, length));
                    break;
            }
        }
    }

    private void OnText(string text)
    {
        string? kind = null;
        JsonElement message = default;
        try
        {
            using var document = JsonDocument.Parse(text);
            message = document.RootElement.Clone();
            if (message.ValueKind == JsonValueKind.Object && message.TryGetProperty("event", out var e) && e.ValueKind == JsonValueKind.String) kind = e.GetString();
        }
        catch (JsonException)
        {
        }

        switch (kind)
        {
            case "websocket:connected":
                var contentType = message.TryGetProperty("content-type", out var ct) ? ct.ToString() : "(none)";
                // The frame also carries the endpoint's headers at its top level, so it is logged whole.
                logger.LogInformation("Echo bot: connected, audio {ContentType}, echoing after {Delay}; first frame {Frame}", contentType, options.Value.EchoDelay, text);
                return;
            case "websocket:dtmf":
                logger.LogInformation("Echo bot: DTMF {Digit}", message.TryGetProperty("digit", out var digit) ? digit.ToString() : "?");
                return;
            default:
                logger.LogInformation("Echo bot: text frame {Frame}", text.Length > 512 ? text[..512] + "…" : text);
                return;
        }
    }

    private async Task EchoAsync(WebSocket socket, ChannelReader<HeldFrame> queue, FramePool buffers, Stats stats, CancellationToken cancellationToken)
    {
        var delay = options.Value.EchoDelay;
        var early = delay - (delay / 4 < MaxSendAhead ? delay / 4 : MaxSendAhead);
        try
        {
            while (await queue.WaitToReadAsync(cancellationToken))
            {
                // Sleep until the oldest frame may go, then send every frame that may go by then.
                if (queue.TryPeek(out var oldest))
                {
                    var wait = early - time.GetElapsedTime(oldest.ReceivedAt);
                    if (wait > TimeSpan.Zero) await Task.Delay(wait, time, cancellationToken);
                }
                while (queue.TryPeek(out var next) && time.GetElapsedTime(next.ReceivedAt) >= early && queue.TryRead(out var held))
                {
                    try
                    {
                        await socket.SendAsync(held.Buffer.AsMemory(0, held.Length), WebSocketMessageType.Binary, endOfMessage: true, cancellationToken);
                    }
                    finally
                    {
                        buffers.Return(held.Buffer);
                    }
                    stats.Echoed++;
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
            // The peer went away or the connection is ending: whatever echo is left has nobody to hear it.
        }
    }

    /// <summary>A received audio frame held for echo: the first <see cref="Length"/> bytes of a pooled buffer.</summary>
    private readonly record struct HeldFrame(byte[] Buffer, int Length, long ReceivedAt);

    /// <summary>
    /// One connection's frame buffers, reused: frames of a call all have one size, so after the first echo delay the
    /// pool holds what the delay line needs and receiving allocates nothing. Shared by the receive loop (rent), the echo
    /// loop and the queue's drop callback (return); bounded by the queue's capacity plus the frames in flight.
    /// </summary>
    private sealed class FramePool
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<byte[]> _free = new();

        public byte[] Rent(int length) => _free.TryDequeue(out var buffer) && buffer.Length >= length ? buffer : new byte[length];

        public void Return(byte[] buffer)
        {
            if (_free.Count < MaxQueuedFrames) _free.Enqueue(buffer);
        }
    }

    // Written by one loop each, read once both have finished.
    private sealed class Stats
    {
        public long Received { get; set; }

        public long Echoed { get; set; }
    }
}
