using System.Net.Http.Headers;
using Ncco.Model;

namespace Ncco.Webhooks;

/// <summary>Delivers webhooks over HTTP with an <see cref="HttpClient"/> (any base URL, or an in-process test server's client).</summary>
/// <param name="client">The client requests are sent with.</param>
/// <param name="prepare">Adjusts each request before it is sent (per-request handler options such as a connect deadline).</param>
public sealed class HttpWebhookTransport(HttpClient client, Action<HttpRequestMessage, WebhookRequest>? prepare = null) : IWebhookTransport
{
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
            using var response = await client.SendAsync(message, cts.Token).ConfigureAwait(false);
            var body = await response.Content.ReadAsByteArrayAsync(cts.Token).ConfigureAwait(false);
            return new WebhookResponse((int)response.StatusCode, body);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return WebhookResponse.TimedOut;
        }
        catch (HttpRequestException)
        {
            return WebhookResponse.ConnectionFailed;
        }
    }
}
