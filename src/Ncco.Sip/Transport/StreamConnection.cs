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
/// so senders never wait on the network. Ends on EOF, error, idle timeout, framing error or a full queue.
/// </summary>
internal sealed class StreamConnection
{
    private readonly Channel<ReadOnlyMemory<byte>> _outgoing;
    private readonly CancellationTokenSource _stop;
    private readonly Socket _socket;
    private readonly bool _outbound;
    private readonly SipTransportKind _kind;
    private readonly SipTlsOptions? _tls;
    private readonly SipTransportLimits _limits;
    private readonly SipLimits _messageLimits;

    public StreamConnection(Socket socket, IPEndPoint remote, bool outbound, SipTransportKind kind, SipTlsOptions? tls,
        SipTransportLimits limits, SipLimits messageLimits, CancellationToken shutdown)
    {
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

    /// <summary>Runs the connection to its end; reports frames and failures to the sink.</summary>
    public async Task RunAsync(ISipTransportSink sink)
    {
        var endPoint = new SipEndPoint(_kind, Remote);
        Stream? stream = null;
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
            await ReadLoopAsync(stream, sink, endPoint).ConfigureAwait(false);
            _outgoing.Writer.TryComplete();
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

    private async Task ReadLoopAsync(Stream stream, ISipTransportSink sink, SipEndPoint endPoint)
    {
        var framer = new SipStreamFramer(_messageLimits);
        var buffer = new byte[16_384];
        while (!_stop.IsCancellationRequested)
        {
            using var idle = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            idle.CancelAfter(_limits.IdleTimeout);
            int read;
            try
            {
                read = await stream.ReadAsync(buffer, idle.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            if (read == 0)
            {
                return;
            }
            framer.Append(buffer.AsSpan(0, read));
            while (framer.TryTake(out var frame))
            {
                sink.OnFrame(frame, endPoint);
            }
        }
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
