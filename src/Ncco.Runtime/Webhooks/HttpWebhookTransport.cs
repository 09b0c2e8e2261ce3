using System.Diagnostics;
using System.Net.Http.Headers;
using Ncco.Model;

namespace Ncco.Webhooks;

/// <summary>Delivers webhooks over HTTP with an <see cref="HttpClient"/> (any base URL, or an in-process test server's client).</summary>
/// <remarks>
/// A response body is read as it streams in and never beyond <paramref name="maxResponseBytes"/>: a body that declares a larger
/// Content-Length is not read at all, and one that streams past the limit is abandoned there (the connection is dropped, not
/// drained). Either way the attempt returns <see cref="WebhookFailure.TooLarge"/> naming the limit, so a hostile or broken
/// application costs at most the limit in memory per webhook in flight.
/// </remarks>
/// <param name="client">The client requests are sent with.</param>
/// <param name="prepare">Adjusts each request before it is sent (per-request handler options such as a connect deadline).</param>
/// <param name="maxResponseBytes">Largest response body read, in bytes (default <see cref="DefaultMaxResponseBytes"/>, 1 MiB: an NCCO is a few kilobytes).</param>
public sealed class HttpWebhookTransport(HttpClient client, Action<HttpRequestMessage, WebhookRequest>? prepare = null,
    long maxResponseBytes = HttpWebhookTransport.DefaultMaxResponseBytes) : IWebhookTransport
{
    /// <summary>The default bound on a response body: 1 MiB.</summary>
    public const long DefaultMaxResponseBytes = 1 << 20;

    // Listeners subscribe to activity sources by name, so this one (never started) has listeners exactly when HttpClient's has.
    private static readonly ActivitySource HttpClientSpans = new("System.Net.Http");

    /// <summary>The bound on a response body, in bytes.</summary>
    public long MaxResponseBytes { get; } = maxResponseBytes > 0 ? maxResponseBytes
        : throw new ArgumentOutOfRangeException(nameof(maxResponseBytes), maxResponseBytes, "must be a positive number of bytes");

    /// <inheritdoc />
    public async Task<WebhookResponse> SendAsync(WebhookRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var message = new HttpRequestMessage(request.Method == WebhookMethod.Get ? HttpMethod.Get : HttpMethod.Post, request.Uri);
        if (request.Method == WebhookMethod.Post)
        {
            message.Content = new ByteArrayContent(request.Body);
            message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }
        foreach (var (k, v) in request.Headers) message.Headers.TryAddWithoutValidation(k, v);
        prepare?.Invoke(message, request);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(request.Timeout);
        try
        {
            // Headers first: the default (ResponseContentRead) would buffer the whole body, however large, before we see it.
            using var response = await SendWithoutUnseenSpanAsync(message, request, cts.Token).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            if (response.Content.Headers.ContentLength > MaxResponseBytes)
            {
                return WebhookResponse.TooLarge(status, MaxResponseBytes);
            }
            var body = await ReadBoundedAsync(response.Content, cts.Token).ConfigureAwait(false);
            return body is null ? WebhookResponse.TooLarge(status, MaxResponseBytes) : new WebhookResponse(status, body);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return WebhookResponse.TimedOut;
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            return WebhookResponse.ConnectionFailed;
        }
    }

    /// <summary>
    /// Sends <paramref name="message"/>, without HttpClient's own client span when nothing would see it.
    /// </summary>
    /// <remarks>
    /// HttpClient's diagnostics handler starts an <see cref="Activity"/> of its own for every request sent while a span is
    /// current (here always: the webhook's <c>ncco.webhook</c> span), even when nothing listens to
    /// <c>System.Net.Http</c>'s spans, and only to write its <c>traceparent</c> — which it never does over one the request
    /// already carries. A webhook carries the <c>ncco.webhook</c> span's own, so that span was ≈ 0.6 KB of garbage per
    /// webhook (the activity, its id strings, its tag list, the handler's state machine), several webhooks per call
    /// (issue 19). Sent with no current span, the handler passes the request on untouched. When something does listen to
    /// HttpClient's spans (an application's HTTP instrumentation), or the request has no <c>traceparent</c> of ours
    /// (tracing off), nothing changes: the handler runs as before, under the current span.
    /// </remarks>
    private Task<HttpResponseMessage> SendWithoutUnseenSpanAsync(HttpRequestMessage message, WebhookRequest request, CancellationToken cancellationToken)
    {
        var current = Activity.Current;
        if (current is null || HttpClientSpans.HasListeners() || !request.Headers.ContainsKey("traceparent"))
            return client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        // The request's own execution context (what HttpClient captures) is the one without a current span; ours gets its
        // span back as soon as the send is under way.
        Activity.Current = null;
        try
        {
            return client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        finally
        {
            // A span stopped meanwhile is refused by the setter (see NccoTracing.Restore).
            if (!current.IsStopped) Activity.Current = current;
        }
    }

    /// <summary>The body, or null as soon as it goes over the limit (the rest is never read).</summary>
    /// <remarks>
    /// Read into pooled buffers and copied out once at its length: most webhook responses are empty (events) or a few
    /// hundred bytes (an NCCO), and a fresh 16 KB buffer per response was ≈ 80 KB of garbage per call at setup (five
    /// webhooks). A declared Content-Length sizes the first buffer exactly.
    /// </remarks>
    private async Task<byte[]?> ReadBoundedAsync(HttpContent content, CancellationToken cancellationToken)
    {
        var declared = content.Headers.ContentLength;
        if (declared == 0) return [];
        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            // One byte more than declared: a read that fills it says the body is longer than announced (or unbounded).
            var pool = System.Buffers.ArrayPool<byte>.Shared;
            var buffer = pool.Rent((int)Math.Min(MaxResponseBytes + 1, declared is { } n ? n + 1 : 4 * 1024));
            var length = 0;
            try
            {
                while (true)
                {
                    if (length == buffer.Length)
                    {
                        if (length > MaxResponseBytes) return null;
                        var larger = pool.Rent((int)Math.Min((long)buffer.Length * 2, MaxResponseBytes + 1));
                        buffer.AsSpan(0, length).CopyTo(larger);
                        pool.Return(buffer);
                        buffer = larger;
                    }
                    var read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
                    if (read == 0) break;
                    length += read;
                }
                return length > MaxResponseBytes ? null : buffer.AsSpan(0, length).ToArray();
            }
            finally
            {
                pool.Return(buffer);
            }
        }
    }
}
