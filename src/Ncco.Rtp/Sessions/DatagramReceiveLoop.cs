using System.Net;
using System.Net.Sockets;
using Ncco.Rtp.Packets;

namespace Ncco.Rtp.Sessions;

/// <summary>A datagram and the address it came from (the address is reused: copy what you keep).</summary>
internal delegate void DatagramHandler(ReadOnlySpan<byte> datagram, SocketAddress source);

/// <summary>
/// One socket's receive loop (a session's RTCP, and its RTP unless the media thread reads it), on a
/// <see cref="SocketAsyncEventArgs"/>: the socket closing ends it with <see cref="SocketError.OperationAborted"/> in the
/// arguments. The loop it replaces (<c>ReceiveFromAsync</c> with the session's stop token) threw an
/// <see cref="OperationCanceledException"/> at every session's close, i.e. on every call's normal hang-up.
/// </summary>
internal sealed class DatagramReceiveLoop
{
    private readonly Socket _socket;
    private readonly DatagramHandler _handle;
    private readonly SocketAsyncEventArgs _args = new();
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private EndPoint? _sourceEndPoint;
    private SocketAddress? _source;

    /// <param name="socket">The socket to read.</param>
    /// <param name="handle">Called with each datagram.</param>
    /// <param name="buffer">
    /// Where datagrams are received (at least <see cref="RtpPacket.MaxDatagramSize"/> bytes), written until
    /// <see cref="Completion"/>: best a pinned one from the session's <see cref="RtpBufferPool"/> — the socket pins it
    /// during every pending receive anyway, and it lives as long as the session (issue 19).
    /// </param>
    public DatagramReceiveLoop(Socket socket, DatagramHandler handle, byte[] buffer)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(buffer.Length, RtpPacket.MaxDatagramSize, nameof(buffer));
        _socket = socket;
        _handle = handle;
        _args.SetBuffer(buffer, 0, RtpPacket.MaxDatagramSize);
        _args.RemoteEndPoint = new IPEndPoint(socket.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        _args.Completed += (_, _) =>
        {
            if (Handle()) Receive();
        };
    }

    /// <summary>Completes once the socket has closed and the loop has stopped.</summary>
    public Task Completion => _ended.Task;

    /// <summary>Starts receiving on a thread-pool thread (a datagram already waiting is handled there, not by the caller).</summary>
    public void Start() => ThreadPool.UnsafeQueueUserWorkItem(static loop => loop.Receive(), this, preferLocal: false);

    private void Receive()
    {
        while (true)
        {
            bool pending;
            try
            {
                pending = _socket.ReceiveFromAsync(_args);
            }
            catch (ObjectDisposedException)
            {
                // Closed before this receive was posted (a session disposed right after it started).
                End();
                return;
            }
            if (pending || !Handle()) return;
        }
    }

    /// <summary>Handles a completed receive; false once the socket has closed.</summary>
    private bool Handle()
    {
        switch (_args.SocketError)
        {
            case SocketError.Success:
                // The runtime replaces RemoteEndPoint only when the sender changes: the serialized copy follows it.
                var from = _args.RemoteEndPoint!;
                if (!ReferenceEquals(from, _sourceEndPoint))
                {
                    _sourceEndPoint = from;
                    _source = from.Serialize();
                }
                _handle(_args.Buffer.AsSpan(_args.Offset, _args.BytesTransferred), _source!);
                return true;
            case SocketError.OperationAborted or SocketError.Shutdown or SocketError.NotSocket or SocketError.Interrupted:
                End();
                return false;
            default:
                // ICMP errors from earlier sends surface here on Linux; they say nothing about the next datagram.
                return true;
        }
    }

    private void End()
    {
        _args.Dispose();
        _ended.TrySetResult();
    }
}
