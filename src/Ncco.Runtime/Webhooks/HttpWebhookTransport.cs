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
            using var response = await client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cts.Token).ConfigureAwait(false);
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
