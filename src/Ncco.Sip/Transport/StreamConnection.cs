using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Threading.Channels;
using Ncco.Sip.Messages;
using Ncco.Sip.Parsing;

namespace Ncco.Sip.Transport;

/// <summary>
/// One TCP or TLS connection: a read loop that frames messages by Content-Length and a write loop draining a bounded queue,
/// so senders never wait on the network. Ends on EOF, error, idle timeout, a missed header or message deadline
/// (<see cref="SipTransportLimits"/>), framing error or a full queue.
/// </summary>
internal sealed class StreamConnection
{
    /// <summary>How long a connection that cannot be framed any more gets to deliver our reply before it is closed.</summary>
    private static readonly TimeSpan Linger = TimeSpan.FromSeconds(2);

    private readonly Channel<ReadOnlyMemory<byte>> _outgoing;
    private readonly CancellationTokenSource _stop;
    private readonly Socket _socket;
    private readonly bool _outbound;
    private readonly SipTransportKind _kind;
    private readonly SipTlsOptions? _tls;
    private readonly SipTransportLimits _limits;
    private readonly SipLimits _messageLimits;
    private readonly TimeProvider _time;

    public StreamConnection(Socket socket, IPEndPoint remote, bool outbound, SipTransportKind kind, SipTlsOptions? tls,
        SipTransportLimits limits, SipLimits messageLimits, TimeProvider time, CancellationToken shutdown)
    {
        _time = time;
        _socket = socket;
        Remote = remote;
        _outbound = outbound;
        _kind = kind;
        _tls = tls;
        _limits = limits;
        _messageLimits = messageLimits;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(shutdown);
        _outgoing = Channel.CreateBounded<ReadOnlyMemory<byte>>(new BoundedChannelOptions(limits.MaxQueuedSends)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    public IPEndPoint Remote { get; }

    /// <summary>Queues a message; false when the queue is full or the connection is closing.</summary>
    public bool Enqueue(ReadOnlyMemory<byte> data) => _outgoing.Writer.TryWrite(data);

    public void Close()
    {
        try
        {
            _stop.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The connection finished on its own between the caller finding it and closing it.
        }
    }

    /// <summary>Runs the connection to its end; reports frames and failures to the sink, and returns why it ended.</summary>
    public async Task<ReadEnd> RunAsync(ISipTransportSink sink)
    {
        var endPoint = new SipEndPoint(_kind, Remote);
        Stream? stream = null;
        var end = ReadEnd.Failed;
        try
        {
            if (_outbound)
            {
                using var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                connectTimeout.CancelAfter(_limits.HandshakeTimeout);
                await _socket.ConnectAsync(Remote, connectTimeout.Token).ConfigureAwait(false);
            }
            stream = new NetworkStream(_socket, ownsSocket: true);
            if (_kind == SipTransportKind.Tls)
            {
                stream = await AuthenticateAsync(stream).ConfigureAwait(false);
            }
            var writer = WriteLoopAsync(stream);
            end = await ReadLoopAsync(stream, sink, endPoint).ConfigureAwait(false);
            _outgoing.Writer.TryComplete();
            if (end == ReadEnd.Unframeable)
            {
                await LingerAsync(stream, writer).ConfigureAwait(false);
            }
            await _stop.CancelAsync().ConfigureAwait(false);
            await writer.ConfigureAwait(false);
        }
        catch (Exception error) when (error is IOException or SocketException or OperationCanceledException or AuthenticationException or SipParseException or ObjectDisposedException)
        {
            if (!_stop.IsCancellationRequested || _outbound)
            {
                sink.OnTransportError(endPoint, error);
            }
        }
        finally
        {
            _outgoing.Writer.TryComplete();
            if (stream is not null)
            {
                await stream.DisposeAsync().ConfigureAwait(false);
            }
            _socket.Dispose();
            _stop.Dispose();
        }
        return end;
    }

    /// <summary>
    /// Lets the writer send what was queued (the 400 for the message that broke the framing), half-closes, and reads
    /// the peer's leftovers for a moment: closing a socket with unread input sends a reset, which can make the peer
    /// throw the reply away unread.
    /// </summary>
    private async Task LingerAsync(Stream stream, Task writer)
    {
        using var linger = new CancellationTokenSource(Linger, _time);
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token, linger.Token);
        try
        {
            await writer.WaitAsync(bounded.Token).ConfigureAwait(false);
            _socket.Shutdown(SocketShutdown.Send);
            var discard = new byte[4096];
            var total = 0;
            while (total < _messageLimits.MaxMessageBytes)
            {
                var read = await stream.ReadAsync(discard, bounded.Token).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }
                total += read;
            }
        }
        catch (Exception error) when (error is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The peer went away or took too long: the connection closes either way.
        }
    }

    private async Task<Stream> AuthenticateAsync(Stream inner)
    {
        var tls = _tls ?? throw new InvalidOperationException("TLS transport without TLS options");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        timeout.CancelAfter(_limits.HandshakeTimeout);
        if (_outbound)
        {
            var client = new SslStream(inner, leaveInnerStreamOpen: false, tls.ServerCertificateValidation);
            await client.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = tls.TargetHost ?? Remote.Address.ToString(),
                ClientCertificates = [tls.Certificate],
            }, timeout.Token).ConfigureAwait(false);
            return client;
        }
        var server = new SslStream(inner, leaveInnerStreamOpen: false);
        await server.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
        {
            ServerCertificate = tls.Certificate,
            ClientCertificateRequired = false,
        }, timeout.Token).ConfigureAwait(false);
        return server;
    }

    private async Task<ReadEnd> ReadLoopAsync(Stream stream, ISipTransportSink sink, SipEndPoint endPoint)
    {
        var framer = new SipStreamFramer(_messageLimits);
        var buffer = new byte[16_384];
        // The clock of the message being received. An accepted connection starts one at once: a peer that connects and
        // sends nothing holds its per-source slot for the header deadline, not for the idle timeout.
        long? messageStarted = _outbound ? null : _time.GetTimestamp();
        while (!_stop.IsCancellationRequested)
        {
            var (wait, deadline) = NextWait(messageStarted, framer.HeadersComplete);
            if (wait <= TimeSpan.Zero)
            {
                return deadline;
            }
            using var timer = new CancellationTokenSource(wait, _time);
            using var read = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token, timer.Token);
            int count;
            try
            {
                count = await stream.ReadAsync(buffer, read.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!_stop.IsCancellationRequested)
            {
                return deadline;
            }
            catch (OperationCanceledException)
            {
                return ReadEnd.Closed;
            }
            if (count == 0)
            {
                return ReadEnd.Closed;
            }
            framer.Append(buffer.AsSpan(0, count));
            var took = false;
            try
            {
                while (framer.TryTake(out var frame))
                {
                    took = true;
                    sink.OnFrame(frame, endPoint);
                }
            }
            catch (SipParseException error)
            {
                // Message boundaries are lost: answer what can be answered, then close (RFC 3261 §18.3).
                sink.OnUnframeable(framer.PendingHead(), error, endPoint);
                return ReadEnd.Unframeable;
            }
            if (framer.Buffered == 0)
            {
                messageStarted = null;
            }
            else if (took || messageStarted is null)
            {
                // The rest of this read is the start of the next message: its clocks start now.
                messageStarted = _time.GetTimestamp();
            }
        }
        return ReadEnd.Closed;
    }

    /// <summary>How long the next read may wait, and which limit ends the connection if it waits that long in vain.</summary>
    private (TimeSpan Wait, ReadEnd Deadline) NextWait(long? messageStarted, bool headersComplete)
    {
        if (messageStarted is not { } started)
        {
            return (_limits.IdleTimeout, ReadEnd.Idle);
        }
        var elapsed = _time.GetElapsedTime(started);
        var (limit, deadline) = headersComplete
            ? (_limits.MessageReadTimeout, ReadEnd.MessageDeadline)
            : (_limits.HeaderReadTimeout, ReadEnd.HeaderDeadline);
        var left = limit - elapsed;
        // The whole-message deadline also bounds the headers, should it be configured shorter.
        if (!headersComplete && _limits.MessageReadTimeout - elapsed < left)
        {
            (left, deadline) = (_limits.MessageReadTimeout - elapsed, ReadEnd.MessageDeadline);
        }
        return left < _limits.IdleTimeout ? (left, deadline) : (_limits.IdleTimeout, ReadEnd.Idle);
    }

    private async Task WriteLoopAsync(Stream stream)
    {
        try
        {
            await foreach (var data in _outgoing.Reader.ReadAllAsync(_stop.Token).ConfigureAwait(false))
            {
                await stream.WriteAsync(data, _stop.Token).ConfigureAwait(false);
                await stream.FlushAsync(_stop.Token).ConfigureAwait(false);
            }
        }
        catch (Exception error) when (error is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The read loop sees the same failure and reports it; a writer failure just stops writing.
            await _stop.CancelAsync().ConfigureAwait(false);
        }
    }
}
