using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Ncco.Events;
using Ncco.Model;
using Ncco.Webhooks;

namespace Ncco.Runtime.Tests.Webhooks;

/// <summary>
/// HttpClient's own client span per webhook (issue 19: ≈ 0.6 KB of garbage per webhook) is skipped when nothing listens
/// to it and the request already carries the webhook span's <c>traceparent</c> — the request on the wire is the same bytes
/// as when HttpClient's handler runs (it never overwrites a <c>traceparent</c> already there); when something listens to
/// <c>System.Net.Http</c>, or the request has no <c>traceparent</c> of ours, HttpClient's handler runs as before.
/// </summary>
/// <remarks>
/// The listener on <c>System.Net.Http</c> some of these tests add is process-wide while it lives: other tests' requests
/// then take the old path, which is the same behaviour; nothing here depends on another test's requests.
/// </remarks>
public sealed class WebhookClientSpanTests
{
    private const string HttpClientSpanName = "System.Net.Http.HttpRequestOut";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_webhook_with_its_own_traceparent_and_no_listener_on_HttpClient_gets_no_HttpClient_span_and_the_same_bytes()
    {
        using var parent = new Activity("ncco.webhook").SetIdFormat(ActivityIdFormat.W3C).Start();
        var ours = parent.Id!;
        var spans = new List<Activity>();
        void OnCurrentChanged(object? sender, ActivityChangedEventArgs e)
        {
            if (e.Current is { OperationName: HttpClientSpanName } a && a.TraceId == parent.TraceId) lock (spans) spans.Add(a);
        }
        Activity.CurrentChanged += OnCurrentChanged;
        try
        {
            var unlistened = await SendCapturingAsync(new Dictionary<string, string> { ["traceparent"] = ours });
            lock (spans) Assert.Empty(spans);
            Assert.Same(parent, Activity.Current);

            // The old path, for the byte comparison: with a listener HttpClient's handler runs and makes its span.
            byte[] listened;
            using (ListenToHttpClient())
            {
                listened = await SendCapturingAsync(new Dictionary<string, string> { ["traceparent"] = ours });
            }
            lock (spans) Assert.NotEmpty(spans);
            Assert.Same(parent, Activity.Current);

            Assert.Contains("\r\ntraceparent: " + ours + "\r\n", Encoding.ASCII.GetString(unlistened), StringComparison.Ordinal);
            Assert.Equal(listened, unlistened);
        }
        finally
        {
            Activity.CurrentChanged -= OnCurrentChanged;
        }
    }

    [Fact]
    public async Task With_a_listener_on_HttpClient_its_span_is_still_a_child_of_the_current_one()
    {
        using var parent = new Activity("ncco.webhook").SetIdFormat(ActivityIdFormat.W3C).Start();
        var started = new List<Activity>();
        using (ListenToHttpClient(started))
        {
            await SendCapturingAsync(new Dictionary<string, string> { ["traceparent"] = parent.Id! });
        }
        lock (started)
        {
            var span = Assert.Single(started, a => a.TraceId == parent.TraceId);
            Assert.Equal(parent.SpanId, span.ParentSpanId);
        }
    }

    [Fact]
    public async Task A_request_without_a_traceparent_of_ours_still_gets_HttpClients_for_the_current_span()
    {
        using var parent = new Activity("app").SetIdFormat(ActivityIdFormat.W3C).Start();

        var head = Encoding.ASCII.GetString(await SendCapturingAsync(new Dictionary<string, string>()));

        // HttpClient's handler wrote the traceparent of its own span, a child in the current span's trace.
        Assert.Contains("\r\ntraceparent: 00-" + parent.TraceId.ToHexString() + "-", head, StringComparison.Ordinal);
        Assert.Same(parent, Activity.Current);
    }

    private static IDisposable ListenToHttpClient(List<Activity>? started = null)
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == "System.Net.Http",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStarted = a =>
            {
                if (started is not null) lock (started) started.Add(a);
            },
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }

    /// <summary>Sends one POST webhook through <see cref="HttpWebhookTransport"/> to a loopback server and returns the
    /// request head as it arrived (the server's port written as <c>PORT</c>).</summary>
    private static async Task<byte[]> SendCapturingAsync(Dictionary<string, string> headers)
    {
        using var server = new TcpListener(IPAddress.Loopback, 0);
        server.Start();
        var port = ((IPEndPoint)server.LocalEndpoint).Port;
        var received = ReceiveHeadAsync(server);
        using var client = new HttpClient();
        var transport = new HttpWebhookTransport(client);
        var request = new WebhookRequest(new Uri($"http://127.0.0.1:{port}/event"), WebhookMethod.Post, WebhookKind.Event, "{\"status\":\"started\"}"u8.ToArray(),
            new AnswerRequest { To = "447700900000", Uuid = "u1", ConversationUuid = "CON-1" })
        {
            Headers = headers,
            Timeout = Wait,
        };

        var response = await transport.SendAsync(request, CancellationToken.None);

        Assert.Equal(WebhookFailure.None, response.Failure);
        Assert.Equal(200, response.StatusCode);
        // Each send has its own server: its port (in Host) is the one difference allowed between two heads.
        var head = Encoding.Latin1.GetString(await received.WaitAsync(Wait));
        return Encoding.Latin1.GetBytes(head.Replace($"127.0.0.1:{port}", "127.0.0.1:PORT", StringComparison.Ordinal));
    }

    private static async Task<byte[]> ReceiveHeadAsync(TcpListener server)
    {
        using var socket = await server.AcceptSocketAsync();
        var head = new MemoryStream();
        var buffer = new byte[4096];
        while (head.Length < 64 * 1024 && !EndsHead(head))
        {
            var read = await socket.ReceiveAsync(buffer);
            if (read == 0) break;
            head.Write(buffer, 0, read);
        }
        await socket.SendAsync("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8.ToArray());
        var bytes = head.ToArray();
        var end = Encoding.ASCII.GetString(bytes).IndexOf("\r\n\r\n", StringComparison.Ordinal);
        return bytes[..(end + 4)];
    }

    private static bool EndsHead(MemoryStream head) =>
        Encoding.ASCII.GetString(head.GetBuffer(), 0, (int)head.Length).Contains("\r\n\r\n", StringComparison.Ordinal);
}
