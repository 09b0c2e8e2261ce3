using System.Net;
using System.Net.Sockets;

namespace Ncco.Host.Postgres.Tests.Support;

/// <summary>
/// A loopback TCP forwarder whose link can be cut and restored: while cut, connections in flight are closed and new
/// ones are closed as soon as they are accepted — the database "unreachable" for whoever connects through it.
/// </summary>
public sealed class TcpCutter : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Socket> _open = [];
    private readonly Lock _gate = new();
    private readonly Task _accepting;
    private volatile bool _cut;

    public TcpCutter(IPEndPoint target)
    {
        _target = target;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>A cutter in front of the PostgreSQL server that <paramref name="connectionString"/> names.</summary>
    public static TcpCutter InFrontOf(string connectionString) =>
        new(new IPEndPoint(IPAddress.Loopback, new Npgsql.NpgsqlConnectionStringBuilder(connectionString).Port));

    /// <summary><paramref name="connectionString"/> reaching its database through this cutter.</summary>
    public string Through(string connectionString) => new Npgsql.NpgsqlConnectionStringBuilder(connectionString) { Port = Port }.ToString();

    public void Cut()
    {
        lock (_gate)
        {
            _cut = true;
            foreach (var socket in _open) socket.Dispose();
            _open.Clear();
        }
    }

    public void Restore() => _cut = false;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        Cut();
        await _accepting.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptSocketAsync(_stop.Token);
            if (_cut)
            {
                client.Dispose();
                continue;
            }
            _ = PipeAsync(client);
        }
    }

    private async Task PipeAsync(Socket client)
    {
        var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await server.ConnectAsync(_target, _stop.Token);
            lock (_gate)
            {
                // A link accepted just before a cut and connected just after it must not outlive the cut.
                if (_cut) return;
                _open.Add(client);
                _open.Add(server);
            }
            await Task.WhenAny(CopyAsync(client, server), CopyAsync(server, client));
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
        finally
        {
            client.Dispose();
            server.Dispose();
        }
    }

    private async Task CopyAsync(Socket from, Socket to)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                if (read == 0) return;
                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, _stop.Token);
            }
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }
}
