using System.Buffers;
using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text.Json;
using System.Threading.Channels;

namespace Ncco.Host.Browser;

/// <summary>
/// One signed-in browser phone: a WebSocket carrying JSON control messages (<c>call</c>, <c>answer</c>, <c>reject</c>,
/// <c>hangup</c>, <c>dtmf</c>) and binary L16 audio, with at most one call at a time. Bad messages are answered with
/// <c>{"event":"error","field":…,"reason":…}</c> and never end the session or the call.
/// </summary>
public sealed class BrowserPhoneSession
{
    /// <summary>Outgoing messages queued at most (5 s of audio); a browser that stops reading loses new audio, not memory.</summary>
    public const int SendQueueMessages = 250;

    private const int MaxMessageBytes = 64 * 1024;
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(2);

    private readonly WebSocket _socket;
    private readonly BrowserPhone _phone;
    private readonly ILogger _logger;
    private readonly Channel<Outgoing> _send;
    private readonly ConcurrentBag<byte[]> _pool = [];
    private readonly object _gate = new();
    private BrowserLeg? _call;

    internal BrowserPhoneSession(WebSocket socket, BrowserUser user, BrowserPhone phone, ILogger logger)
    {
        _socket = socket;
        User = user;
        _phone = phone;
        _logger = logger;
        _send = Channel.CreateBounded<Outgoing>(
            new BoundedChannelOptions(SendQueueMessages) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true },
            dropped =>
            {
                if (dropped.Pooled) _pool.Add(dropped.Buffer);
            });
    }

    /// <summary>The signed-in user.</summary>
    public BrowserUser User { get; }

    internal bool TryTake(BrowserLeg leg)
    {
        lock (_gate)
        {
            if (_call is not null) return false;
            _call = leg;
            return true;
        }
    }

    internal void CallEnded(BrowserLeg leg, byte[] message)
    {
        lock (_gate)
        {
            if (!ReferenceEquals(_call, leg)) return;
            _call = null;
        }
        Send(message);
    }

    internal void Send(byte[] json) => _send.Writer.TryWrite(new Outgoing(json, json.Length, WebSocketMessageType.Text, Pooled: false));

    internal void SendAudio(ReadOnlySpan<short> frame)
    {
        var bytes = frame.Length * sizeof(short);
        var buffer = _pool.TryTake(out var b) && b.Length == bytes ? b : new byte[bytes];
        Ncco.Media.Pcm.Pcm16.ToLittleEndianBytes(frame, buffer);
        _send.Writer.TryWrite(new Outgoing(buffer, bytes, WebSocketMessageType.Binary, Pooled: true));
    }

    /// <summary>Serves the phone until the browser goes away or <paramref name="cancellationToken"/> fires.</summary>
    internal async Task RunAsync(CancellationToken cancellationToken)
    {
        using var lifetime = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var sending = SendLoopAsync(lifetime);
        try
        {
            await ReceiveLoopAsync(lifetime.Token);
        }
        finally
        {
            BrowserLeg? call;
            lock (_gate) call = _call;
            call?.UserHungUp();
            _send.Writer.TryComplete();
            await sending;
        }
    }

    private async Task ReceiveLoopAsync(CancellationToken cancellationToken)
    {
        var chunk = new byte[16 * 1024];
        var message = new ArrayBufferWriter<byte>(4096);
        var oversized = false;
        try
        {
            while (true)
            {
                var r = await _socket.ReceiveAsync(chunk.AsMemory(), cancellationToken);
                if (r.MessageType == WebSocketMessageType.Close) break;
                if (!oversized && message.WrittenCount + r.Count <= MaxMessageBytes) message.Write(chunk.AsSpan(0, r.Count));
                else oversized = true;
                if (!r.EndOfMessage) continue;
                if (oversized) Send(BrowserPhoneMessages.Error("message", $"longer than {MaxMessageBytes} bytes; ignored"));
                else if (r.MessageType == WebSocketMessageType.Binary) OnAudio(message.WrittenSpan);
                else await OnTextAsync(message.WrittenMemory, cancellationToken);
                message.ResetWrittenCount();
                oversized = false;
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            // The browser went away: handled like a close.
        }
    }

    private void OnAudio(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length == 0 || bytes.Length % BrowserLeg.FrameBytes != 0)
        {
            Send(BrowserPhoneMessages.Error("audio", $"binary messages must be whole 20 ms frames of {BrowserLeg.FrameBytes} bytes (16-bit little-endian PCM at {BrowserLeg.Rate} Hz); got {bytes.Length} bytes"));
            return;
        }
        BrowserLeg? call;
        lock (_gate) call = _call;
        call?.UserAudio(bytes);
    }

    private async Task OnTextAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes);
        }
        catch (JsonException e)
        {
            Send(BrowserPhoneMessages.Error("message", "not JSON: " + e.Message));
            return;
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("action", out var a) || a.ValueKind != JsonValueKind.String)
            {
                Send(BrowserPhoneMessages.Error("action", "missing; every text message is a JSON object with an \"action\" string"));
                return;
            }
            BrowserLeg? call;
            lock (_gate) call = _call;
            var action = a.GetString();
            switch (action)
            {
                case "call":
                    await PlaceCallAsync(root, call, cancellationToken);
                    break;
                case "answer":
                    if (call is null || !call.UserAnswered()) Send(BrowserPhoneMessages.Error("action", "answer: no call is ringing"));
                    break;
                case "reject":
                    if (call is null) Send(BrowserPhoneMessages.Error("action", "reject: no call is ringing"));
                    else call.UserRejected();
                    break;
                case "hangup":
                    if (call is null) Send(BrowserPhoneMessages.Error("action", "hangup: there is no call"));
                    else call.UserHungUp();
                    break;
                case "dtmf":
                    if (!root.TryGetProperty("digit", out var d) || d.ValueKind != JsonValueKind.String || d.GetString() is not { Length: 1 } digit || !IsKey(digit[0]))
                    {
                        Send(BrowserPhoneMessages.Error("digit", "must be one of 0-9, *, # as a one-character string"));
                    }
                    else if (call is null)
                    {
                        Send(BrowserPhoneMessages.Error("action", "dtmf: there is no call"));
                    }
                    else if (!call.UserDigit(digit[0]))
                    {
                        Send(BrowserPhoneMessages.Error("digit", $"too many keys waiting to be sent (at most {BrowserLeg.KeyQueueLimit})"));
                    }
                    break;
                default:
                    Send(BrowserPhoneMessages.Error("action", $"unknown action \"{action}\"; expected call, answer, reject, hangup or dtmf"));
                    break;
            }
        }
    }

    private async Task PlaceCallAsync(JsonElement root, BrowserLeg? current, CancellationToken cancellationToken)
    {
        if (current is not null)
        {
            Send(BrowserPhoneMessages.Error("action", "call: this phone already has a call; hang up first"));
            return;
        }
        if (!User.CanPlaceCalls)
        {
            Send(BrowserPhoneMessages.Error("token.acl", "does not allow starting calls (add \"/*/knocking/**\": {} to acl.paths of the user's JWT)"));
            return;
        }
        string? to = null;
        if (root.TryGetProperty("to", out var t))
        {
            if (t.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(t.GetString()) || t.GetString()!.Length > 100)
            {
                Send(BrowserPhoneMessages.Error("to", "must be a non-empty string of at most 100 characters"));
                return;
            }
            to = t.GetString();
        }
        JsonElement? customData = null;
        if (root.TryGetProperty("custom_data", out var c))
        {
            if (c.ValueKind != JsonValueKind.Object)
            {
                Send(BrowserPhoneMessages.Error("custom_data", "must be a JSON object"));
                return;
            }
            customData = c.Clone();
        }
        var problem = await _phone.PlaceCallAsync(this, to, customData, cancellationToken);
        if (problem is not null) Send(BrowserPhoneMessages.Error("call", problem));
    }

    private static bool IsKey(char c) => c is (>= '0' and <= '9') or '*' or '#';

    private async Task SendLoopAsync(CancellationTokenSource lifetime)
    {
        try
        {
            await foreach (var o in _send.Reader.ReadAllAsync(lifetime.Token))
            {
                try
                {
                    if (_socket.State == WebSocketState.Open)
                        await _socket.SendAsync(o.Buffer.AsMemory(0, o.Length), o.Type, true, lifetime.Token);
                }
                finally
                {
                    if (o.Pooled) _pool.Add(o.Buffer);
                }
            }
            if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                using var timeout = new CancellationTokenSource(CloseTimeout);
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", timeout.Token);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            _logger.SendLoopEnded(User.Name, e.Message);
            await lifetime.CancelAsync(); // the receive loop must not wait for a browser we can no longer talk to
        }
    }

    private readonly record struct Outgoing(byte[] Buffer, int Length, WebSocketMessageType Type, bool Pooled);
}
