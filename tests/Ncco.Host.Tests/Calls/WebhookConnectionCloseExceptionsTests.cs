using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Ncco.Host.Calls;
using Ncco.Host.Tests.Sip;

namespace Ncco.Host.Tests.Calls;

/// <summary>
/// Idle webhook connections end without an exception when the application's server closes them, which it does before
/// the host's idle timeout (<see cref="WebhookHttpClient.DefaultPooledConnectionIdleTimeout"/>, longer than common
/// servers' keep-alive). When .NET closes an idle connection itself, cancelling its pending liveness read throws and
/// catches an <see cref="IOException"/> per connection: at 500 concurrent calls ≈ 0.5 first-chance exceptions per call.
/// Both halves run here with the idle timeout shortened to seconds, so the second proves the first can see one.
/// </summary>
[Collection(FirstChanceExceptionCollection.Name)]
public sealed class WebhookConnectionCloseExceptionsTests
{
    private const int Connections = 4;

    [Fact]
    public void The_default_idle_timeout_outlasts_the_keep_alive_of_common_servers()
    {
        // Kestrel's default keep-alive (130 s) is the longest of the usual ones (Node.js 5 s, nginx 75 s, IIS 120 s).
        Assert.True(WebhookHttpClient.DefaultPooledConnectionIdleTimeout > TimeSpan.FromSeconds(130));
        using var client = new WebhookHttpClient(TimeSpan.FromSeconds(1));
        Assert.NotNull(client.Client);
    }

    [Fact]
    public async Task Connections_the_server_closes_while_idle_are_dropped_with_no_first_chance_exception()
    {
        var thrown = await ShedConnectionsAsync(serverClosesIdleAfter: TimeSpan.FromMilliseconds(300), clientIdleTimeout: TimeSpan.FromSeconds(2));
        Assert.True(thrown.IsEmpty, $"{thrown.Count} first-chance exceptions dropping idle connections; the first:\n{thrown.FirstOrDefault()}");
    }

    [Fact]
    public async Task Connections_the_client_closes_while_idle_each_throw_inside_the_handler()
    {
        var thrown = await ShedConnectionsAsync(serverClosesIdleAfter: null, clientIdleTimeout: TimeSpan.FromSeconds(2));
        Assert.True(thrown.Count >= 1, "no first-chance exception seen when .NET closed idle connections: the other test's zero proves nothing");
    }

    /// <summary>Opens <see cref="Connections"/> connections at once, lets them go idle, and returns the first-chance
    /// exceptions of the handler's idle checks seen until the pool has dropped them.</summary>
    private static async Task<ConcurrentQueue<string>> ShedConnectionsAsync(TimeSpan? serverClosesIdleAfter, TimeSpan clientIdleTimeout)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var accepted = new ConcurrentBag<Socket>();
        var server = ServeAsync(listener, serverClosesIdleAfter, accepted, stop.Token);

        var thrown = new ConcurrentQueue<string>();
        var counting = false;
        void OnFirstChance(object? sender, System.Runtime.ExceptionServices.FirstChanceExceptionEventArgs e)
        {
            if (!Volatile.Read(ref counting)) return;
            var stack = Environment.StackTrace;
            // The handler's liveness check of idle connections: other test classes' HTTP pools scavenge in this process too,
            // but this collection runs alone and its window is seconds.
            if (stack.Contains("CheckUsabilityOnScavenge", StringComparison.Ordinal) || stack.Contains("HttpConnectionPool", StringComparison.Ordinal))
                thrown.Enqueue($"{e.Exception.GetType().FullName}: {e.Exception.Message}\n{stack}");
        }
        AppDomain.CurrentDomain.FirstChanceException += OnFirstChance;
        try
        {
            using (var client = new WebhookHttpClient(TimeSpan.FromSeconds(2), 65536, null, clientIdleTimeout))
            {
                var uri = new Uri($"http://127.0.0.1:{port}/event");
                var responses = await Task.WhenAll(Enumerable.Range(0, Connections).Select(_ => client.Client.GetAsync(uri, stop.Token)));
                Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
                foreach (var r in responses) r.Dispose();
                Assert.Equal(Connections, accepted.Count);
                Volatile.Write(ref counting, true);
                // Idle timeout ×3: the pool's scavenging timer runs at a fraction of it, checks the idle connections
                // (starting their liveness reads), and disposes them once past the timeout.
                await Task.Delay(clientIdleTimeout * 3, stop.Token);
                Volatile.Write(ref counting, false);
            }
        }
        finally
        {
            AppDomain.CurrentDomain.FirstChanceException -= OnFirstChance;
            await stop.CancelAsync();
            listener.Stop();
            foreach (var s in accepted) s.Dispose();
            await server;
        }
        return thrown;
    }

    /// <summary>A minimal HTTP/1.1 server: answers each GET 200 after 200 ms (so the requests overlap and each needs its own
    /// connection), keeps the connection, and closes it once idle for <paramref name="closeIdleAfter"/> (never when null).</summary>
    private static async Task ServeAsync(TcpListener listener, TimeSpan? closeIdleAfter, ConcurrentBag<Socket> accepted, CancellationToken cancellationToken)
    {
        var connections = new List<Task>();
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var socket = await listener.AcceptSocketAsync(cancellationToken);
                accepted.Add(socket);
                connections.Add(ServeConnectionAsync(socket, closeIdleAfter, cancellationToken));
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // The test ended.
        }
        await Task.WhenAll(connections);
    }

    private static async Task ServeConnectionAsync(Socket socket, TimeSpan? closeIdleAfter, CancellationToken cancellationToken)
    {
        var buffer = new byte[4096];
        var head = new StringBuilder();
        try
        {
            while (true)
            {
                using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                if (closeIdleAfter is { } after) idle.CancelAfter(after);
                int read;
                try
                {
                    read = await socket.ReceiveAsync(buffer, SocketFlags.None, idle.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    socket.Shutdown(SocketShutdown.Both);
                    socket.Close();
                    return;
                }
                if (read == 0) return;
                head.Append(Encoding.ASCII.GetString(buffer, 0, read));
                if (!head.ToString().Contains("\r\n\r\n", StringComparison.Ordinal)) continue;
                head.Clear();
                await Task.Delay(200, cancellationToken);
                await socket.SendAsync("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"u8.ToArray(), SocketFlags.None, cancellationToken);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // The test ended, or the client closed the connection.
        }
    }
}
