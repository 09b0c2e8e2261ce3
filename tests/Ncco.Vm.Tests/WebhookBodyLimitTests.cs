using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Ncco.Model;
using Ncco.Testing;
using Ncco.Webhooks;

namespace Ncco.Vm.Tests;

/// <summary>
/// A webhook application that answers with a body far larger than any NCCO, over real HTTP on loopback: the transport stops
/// reading at the limit (the server could not hand over more than a few socket buffers beyond it), and the call goes to the
/// fallback answer URL, or ends with an error event naming the limit.
/// </summary>
public sealed class WebhookBodyLimitTests
{
    private const long Huge = 512L * 1024 * 1024;
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_huge_answer_is_abandoned_at_the_limit_without_reading_it_all(bool declaresLength)
    {
        await using var server = await FloodServer.StartAsync(declaresLength);
        var transport = new HttpWebhookTransport(new HttpClient());
        var request = new WebhookRequest(new Uri(server.BaseUrl, "/webhooks/answer"), WebhookMethod.Get, WebhookKind.Answer, [], new Events.AnswerRequest { To = "447700900000", Uuid = "u1", ConversationUuid = "CON-1" })
        {
            Timeout = Wait,
        };

        var response = await transport.SendAsync(request, CancellationToken.None);

        Assert.Equal(WebhookFailure.TooLarge, response.Failure);
        Assert.Equal(200, response.StatusCode);
        Assert.Equal(HttpWebhookTransport.DefaultMaxResponseBytes, response.BodyLimit);
        Assert.True(response.Body.IsEmpty);
        Assert.False(response.IsRetryable);
        var sent = await server.FloodEnded.WaitAsync(Wait);
        // The server offered 512 MB; what it got rid of is the limit plus what the sockets buffer, nothing like the whole.
        Assert.InRange(sent, 0, 64L * 1024 * 1024);
    }

    /// <summary>Under the limit a body arrives whole, byte for byte: empty (an event's reply), small (an NCCO), and larger
    /// than the first pooled read buffer (4 KB when the length is not declared), declared or read until the server closes.</summary>
    [Theory]
    [InlineData(0, true)]
    [InlineData(0, false)]
    [InlineData(3, true)]
    [InlineData(3, false)]
    [InlineData(100_003, true)]
    [InlineData(100_003, false)]
    public async Task A_body_under_the_limit_arrives_whole_whether_its_length_is_declared_or_not(int size, bool declaresLength)
    {
        await using var server = await FloodServer.StartAsync(declaresLength);
        var body = string.Concat(Enumerable.Range(0, size).Select(i => (char)('a' + (i % 26))));
        server.Answers["/body"] = body;
        var transport = new HttpWebhookTransport(new HttpClient());
        var request = new WebhookRequest(new Uri(server.BaseUrl, "/body"), WebhookMethod.Get, WebhookKind.Answer, [], new Events.AnswerRequest { To = "447700900000", Uuid = "u1", ConversationUuid = "CON-1" })
        {
            Timeout = Wait,
        };

        var response = await transport.SendAsync(request, CancellationToken.None);

        Assert.Equal(WebhookFailure.None, response.Failure);
        Assert.Equal(200, response.StatusCode);
        Assert.Equal(body, Encoding.UTF8.GetString(response.Body.Span));
    }

    [Fact]
    public async Task A_huge_answer_sends_the_call_to_the_fallback_url_with_the_limit_as_the_reason()
    {
        await using var server = await FloodServer.StartAsync(declaresLength: false);
        server.Answers["/fallback"] = """[{"action":"talk","text":"from fallback"}]""";
        await using var sim = VoiceSimulator.Start(server.BaseUrl, o => o.FallbackAnswerUrl("/fallback").AllowWebhookErrors());

        var call = await sim.CallAsync("447700900001", "447700900000");
        await call.HearsAsync("from fallback");

        var fallback = server.Requests.Single(r => r.Path == "/fallback");
        Assert.Contains("larger than the limit of 1048576 bytes", Uri.UnescapeDataString(fallback.Query), StringComparison.Ordinal);
        Assert.Equal(1, server.Requests.Count(r => r.Path == "/webhooks/answer"));
    }

    [Fact]
    public async Task A_huge_answer_without_a_fallback_ends_the_call_with_an_error_event_naming_the_limit()
    {
        await using var server = await FloodServer.StartAsync(declaresLength: true);
        await using var sim = VoiceSimulator.Start(server.BaseUrl, o => o.AllowWebhookErrors());

        var call = await sim.CallAsync("447700900001", "447700900000");
        await call.EndsAsync();

        var error = server.Requests.Where(r => r.Path == "/webhooks/event").Select(r => Uri.UnescapeDataString(r.Query) + r.Body)
            .Single(e => e.Contains("reason", StringComparison.Ordinal));
        Assert.Contains("larger than the limit of 1048576 bytes", error, StringComparison.Ordinal);
    }

    /// <summary>
    /// A bare HTTP/1.1 server on loopback: <c>/webhooks/answer</c> streams 512 MB of JSON-ish bytes (with or without a
    /// Content-Length saying so) until the client goes away, and counts what it managed to send; other paths answer from
    /// <see cref="Answers"/> (empty 200 by default).
    /// </summary>
    private sealed class FloodServer : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private readonly bool _declaresLength;
        private readonly TaskCompletionSource<long> _floodEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private Task _accepting = Task.CompletedTask;

        private FloodServer(bool declaresLength) => _declaresLength = declaresLength;

        public Uri BaseUrl => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");

        public ConcurrentDictionary<string, string> Answers { get; } = new();

        public ConcurrentQueue<(string Path, string Query, string Body)> Requests { get; } = new();

        /// <summary>Bytes of the flood the server got rid of before the client hung up.</summary>
        public Task<long> FloodEnded => _floodEnded.Task;

        public static Task<FloodServer> StartAsync(bool declaresLength)
        {
            var server = new FloodServer(declaresLength);
            server._listener.Start();
            server._accepting = server.AcceptAsync();
            return Task.FromResult(server);
        }

        private async Task AcceptAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient client;
                try
                {
                    client = await _listener.AcceptTcpClientAsync(_stop.Token);
                }
                catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
                {
                    return;
                }
                _ = ServeAsync(client);
            }
        }

        private async Task ServeAsync(TcpClient client)
        {
            using (client)
            {
                try
                {
                    var stream = client.GetStream();
                    var (path, query, body) = await ReadRequestAsync(stream);
                    Requests.Enqueue((path, query, body));
                    if (path == "/webhooks/answer")
                    {
                        await FloodAsync(stream);
                        return;
                    }
                    var content = Encoding.UTF8.GetBytes(Answers.TryGetValue(path, out var answer) ? answer : "");
                    // Without a declared length the body ends where the server closes the connection.
                    var length = _declaresLength ? $"Content-Length: {content.Length}\r\n" : "";
                    var head = $"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n{length}Connection: close\r\n\r\n";
                    await stream.WriteAsync(Encoding.ASCII.GetBytes(head), _stop.Token);
                    await stream.WriteAsync(content, _stop.Token);
                }
                catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
                {
                    // The client went away.
                }
            }
        }

        private async Task FloodAsync(NetworkStream stream)
        {
            var length = _declaresLength ? $"Content-Length: {Huge}\r\n" : "";
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n{length}Connection: close\r\n\r\n["), _stop.Token);
            var chunk = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("{\"action\":\"talk\",\"text\":\"flood\"},", 2048)));
            long sent = 0;
            try
            {
                while (sent < Huge)
                {
                    await stream.WriteAsync(chunk, _stop.Token);
                    sent += chunk.Length;
                }
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
            {
                // The client stopped reading and closed: what was sent so far is the measure.
            }
            _floodEnded.TrySetResult(sent);
        }

        private static async Task<(string Path, string Query, string Body)> ReadRequestAsync(NetworkStream stream)
        {
            var head = new StringBuilder();
            var one = new byte[1];
            while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
            {
                if (await stream.ReadAsync(one) == 0) throw new IOException("closed before the request ended");
                head.Append((char)one[0]);
            }
            var lines = head.ToString().Split("\r\n");
            var target = lines[0].Split(' ')[1];
            var length = lines.Where(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
                .Select(l => int.Parse(l["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture)).FirstOrDefault();
            var body = new byte[length];
            await stream.ReadExactlyAsync(body);
            var q = target.IndexOf('?', StringComparison.Ordinal);
            return (q < 0 ? target : target[..q], q < 0 ? "" : target[q..], Encoding.UTF8.GetString(body));
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Stop();
            await _accepting;
            _stop.Dispose();
        }
    }
}
