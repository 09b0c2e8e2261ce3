using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using Ncco.Host.Applications;
using Ncco.Host.Observability;
using Ncco.Model;
using Ncco.Webhooks;

namespace Ncco.Host.Calls;

/// <summary>
/// Delivers one application's webhooks over HTTP: the application's <c>connect_timeout</c> per webhook, a host-wide
/// bound on requests in flight, latency metrics. Retries, fallback and signing are the VM's (<see cref="WebhookDispatcher"/>).
/// </summary>
/// <remarks>Nothing here runs on a media path: legs play audio from the media clock, and the VM awaits webhooks
/// without blocking any thread.</remarks>
internal sealed class HostWebhookTransport(
    WebhookHttpClient http, SemaphoreSlim concurrency, VoiceCapability? voice, NccoMetrics metrics, TimeProvider time, StrongBox<int> inFlight) : IWebhookTransport
{
    public async Task<WebhookResponse> SendAsync(WebhookRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        Interlocked.Increment(ref inFlight.Value);
        try
        {
            await concurrency.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            Interlocked.Decrement(ref inFlight.Value);
            throw;
        }
        var started = time.GetTimestamp();
        var response = WebhookResponse.ConnectionFailed;
        try
        {
            response = await SendOnceAsync(request, cancellationToken).ConfigureAwait(false);
            return response;
        }
        finally
        {
            concurrency.Release();
            Interlocked.Decrement(ref inFlight.Value);
            metrics.WebhookCompleted(request.Kind.ToString().ToLowerInvariant(), response.StatusCode, time.GetElapsedTime(started));
        }
    }

    private async Task<WebhookResponse> SendOnceAsync(WebhookRequest request, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(request.Method == WebhookMethod.Get ? HttpMethod.Get : HttpMethod.Post, request.Uri);
        if (request.Method == WebhookMethod.Post)
        {
            message.Content = new ByteArrayContent(request.Body);
            message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }
        foreach (var (name, value) in request.Headers) message.Headers.TryAddWithoutValidation(name, value);
        if (ConnectTimeoutFor(request.Uri) is { } connect) message.Options.Set(WebhookHttpClient.ConnectTimeoutKey, connect);

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(request.Timeout);
        try
        {
            using var response = await http.Client.SendAsync(message, HttpCompletionOption.ResponseContentRead, deadline.Token).ConfigureAwait(false);
            var body = await response.Content.ReadAsByteArrayAsync(deadline.Token).ConfigureAwait(false);
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

    private TimeSpan? ConnectTimeoutFor(Uri uri)
    {
        if (voice is null) return null;
        foreach (var hook in (ReadOnlySpan<Webhook?>)[voice.AnswerUrl, voice.FallbackAnswerUrl, voice.EventUrl])
        {
            if (hook?.ConnectTimeout is { } ms && SameEndpoint(hook.Address, uri)) return TimeSpan.FromMilliseconds(ms);
        }
        return null;
    }

    private static bool SameEndpoint(Uri configured, Uri actual) =>
        Uri.Compare(configured, actual, UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0;
}
