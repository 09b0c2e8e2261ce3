using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Ncco.Sip.Messages;

namespace Ncco.Sip.Transport;

/// <summary>
/// TCP or TLS: a listener plus one <see cref="StreamConnection"/> per peer address. Inbound connections are limited per source
/// IP and in total; outgoing messages to a peer without a connection open one (RFC 3261 §18.1.1).
/// </summary>
public sealed class StreamSipTransport : ISipTransport
{
    private readonly Socket _listener;
    private readonly ConcurrentDictionary<IPEndPoint, StreamConnection> _connections = new();
    private readonly ConcurrentBag<Task> _running = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _creation = new();
    private readonly SipTlsOptions? _tls;
    private readonly SipTransportLimits _limits;
    private readonly SipLimits _messageLimits;
    private readonly TimeProvider _time;
    private ISipTransportSink? _sink;
    private Task _accept = Task.CompletedTask;
    private long _timedOut;
    private long _refused;

    /// <summary>Listens on <paramref name="local"/>; pass <paramref name="tls"/> for a TLS transport.</summary>
    /// <param name="local">The address to listen on (port 0 picks a free port).</param>
    /// <param name="tls">TLS settings, or null for plain TCP.</param>
    /// <param name="limits">Connection limits and deadlines (<see cref="SipTransportLimits.Default"/> when null).</param>
    /// <param name="messageLimits">Message size limits (<see cref="SipLimits.Default"/> when null).</param>
    /// <param name="time">The clock of the idle timeout and the header and message deadlines (the system clock when null).</param>
    public StreamSipTransport(IPEndPoint local, SipTlsOptions? tls = null, SipTransportLimits? limits = null, SipLimits? messageLimits = null,
        TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        _tls = tls;
        _limits = limits ?? SipTransportLimits.Default;
        _messageLimits = messageLimits ?? SipLimits.Default;
        _listener = new Socket(local.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        _listener.Bind(local);
        _listener.Listen(128);
        LocalEndPoint = (IPEndPoint)_listener.LocalEndPoint!;
    }

    /// <inheritdoc />
    public SipTransportKind Kind => _tls is null ? SipTransportKind.Tcp : SipTransportKind.Tls;

    /// <inheritdoc />
    public IPEndPoint LocalEndPoint { get; }

    /// <summary>Open connections (for tests and metrics).</summary>
    public int ConnectionCount => _connections.Count;

    /// <summary>Connections closed because a message missed its header or whole-message deadline (slow-loris peers).</summary>
    public long TimedOutCount => Interlocked.Read(ref _timedOut);

    /// <summary>Inbound connections refused unread because their source, or the transport, was at its connection limit.</summary>
    public long RefusedCount => Interlocked.Read(ref _refused);

    /// <inheritdoc />
    public void Start(ISipTransportSink sink)
    {
        _sink = sink;
        _accept = Task.Run(() => AcceptLoopAsync(_stop.Token));
    }

    /// <inheritdoc />
    public void Send(ReadOnlyMemory<byte> data, IPEndPoint remote)
    {
        var sink = _sink ?? throw new InvalidOperationException("transport not started");
        if (_stop.IsCancellationRequested)
        {
            return;
        }
        StreamConnection? connection;
        lock (_creation)
        {
            // Under a lock so two concurrent senders to a new peer share one connection instead of racing to open two.
            if (!_connections.TryGetValue(remote, out connection))
            {
                var socket = new Socket(remote.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
                connection = new StreamConnection(socket, remote, outbound: true, Kind, _tls, _limits, _messageLimits, _time, _stop.Token);
                _connections[remote] = connection;
                Run(connection, sink);
            }
        }
        if (!connection.Enqueue(data))
        {
            connection.Close();
            sink.OnTransportError(new SipEndPoint(Kind, remote), new IOException("send queue full or connection closing"));
        }
    }

    private void Run(StreamConnection connection, ISipTransportSink sink)
    {
        _running.Add(Task.Run(async () =>
        {
            try
            {
                var end = await connection.RunAsync(sink).ConfigureAwait(false);
                if (end is ReadEnd.HeaderDeadline or ReadEnd.MessageDeadline)
                {
                    Interlocked.Increment(ref _timedOut);
                }
            }
            finally
            {
                _connections.TryRemove(new KeyValuePair<IPEndPoint, StreamConnection>(connection.Remote, connection));
            }
        }));
    }

    private async Task AcceptLoopAsync(CancellationToken cancellation)
    {
        while (!cancellation.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptAsync(cancellation).ConfigureAwait(false);
            }
            catch (Exception error) when (error is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                continue;
            }
            var remote = (IPEndPoint)socket.RemoteEndPoint!;
            var fromSource = _connections.Keys.Count(k => k.Address.Equals(remote.Address));
            if (fromSource >= _limits.MaxConnectionsPerSource || _connections.Count >= _limits.MaxConnections)
            {
                // Over the limit: refuse by closing at once, before reading a byte.
                Interlocked.Increment(ref _refused);
                socket.Dispose();
                continue;
            }
            var connection = new StreamConnection(socket, remote, outbound: false, Kind, _tls, _limits, _messageLimits, _time, cancellation);
            if (_connections.TryAdd(remote, connection))
            {
                Run(connection, _sink!);
            }
            else
            {
                socket.Dispose();
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Dispose();
        await _accept.ConfigureAwait(false);
        foreach (var connection in _connections.Values)
        {
            connection.Close();
        }
        await Task.WhenAll(_running).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        _stop.Dispose();
    }
}
