using System.Runtime.CompilerServices;
using Ncco.Host.Applications;
using Ncco.Host.Observability;
using Ncco.Webhooks;

namespace Ncco.Host.Calls;

/// <summary>
/// Delivers one application's webhooks over HTTP: the application's <c>connect_timeout</c> per webhook, a host-wide
/// bound on requests in flight with answers ahead of events (<see cref="WebhookGate"/>), latency metrics. Retries, fallback and signing are the VM's (<see cref="WebhookDispatcher"/>).
/// </summary>
/// <remarks>Nothing here runs on a media path: legs play audio from the media clock, and the VM awaits webhooks
/// without blocking any thread.</remarks>
internal sealed class HostWebhookTransport : IWebhookTransport
{
    private readonly HttpWebhookTransport _http;
    private readonly WebhookGate _concurrency;
    private volatile VoiceCapability? _voice;
    private readonly NccoMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly StrongBox<int> _inFlight;

    public HostWebhookTransport(WebhookHttpClient http, WebhookGate concurrency, VoiceCapability? voice, NccoMetrics metrics, TimeProvider time, StrongBox<int> inFlight)
    {
        _concurrency = concurrency;
        _voice = voice;
        _metrics = metrics;
        _time = time;
        _inFlight = inFlight;
        _http = new HttpWebhookTransport(http.Client, (message, request) =>
        {
            if (ConnectTimeoutFor(request.Uri) is { } connect) message.Options.Set(WebhookHttpClient.ConnectTimeoutKey, connect);
        }, http.MaxResponseBytes);
    }

    /// <summary>The application's voice settings (connect timeouts by webhook), replaced when the application is edited.</summary>
    public VoiceCapability? Voice
    {
        get => _voice;
        set => _voice = value;
    }

    public async Task<WebhookResponse> SendAsync(WebhookRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        // Pooled connections skip the address policy's connect check, so credentials in a URL are refused here.
        if (request.Uri.UserInfo.Length > 0) return WebhookResponse.ConnectionFailed;
        // Answers (and fallback answers) hold a call's setup: they go ahead of events (WebhookGate).
        var answer = request.Kind is WebhookKind.Answer or WebhookKind.Fallback;
        Interlocked.Increment(ref _inFlight.Value);
        try
        {
            await _concurrency.EnterAsync(answer, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            Interlocked.Decrement(ref _inFlight.Value);
            throw;
        }
        var started = _time.GetTimestamp();
        var response = WebhookResponse.ConnectionFailed;
        try
        {
            // An event's HTTP exchange starts on a pool thread, not the caller's: the VM starts every webhook from its one
            // thread, and the synchronous start of a request (headers, the connection pool, the socket write that wakes
            // the application's server) was ≈ 40 % of that thread's time at 500 cps — serial time every caller's setup
            // queued behind (bench/side-by-side RESULTS, answer-p95-3). An answer keeps its start inline: its caller
            // waits for it, and a hop would add a wait for the pool.
            if (!answer) await new ThreadPoolHop();
            response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            return response;
        }
        finally
        {
            _concurrency.Exit(answer);
            Interlocked.Decrement(ref _inFlight.Value);
            _metrics.WebhookCompleted(KindTag(request.Kind), response.StatusCode, _time.GetElapsedTime(started));
        }
    }

    /// <summary>The metric's <c>kind</c> tag (the kind's name in lower case), a constant per kind: built from the enum per
    /// webhook it was a boxed enum and two strings (issue 19).</summary>
    internal static string KindTag(WebhookKind kind) => kind switch
    {
        WebhookKind.Answer => "answer",
        WebhookKind.Event => "event",
        WebhookKind.Fallback => "fallback",
        _ => kind.ToString().ToLowerInvariant(),
    };

    private TimeSpan? ConnectTimeoutFor(Uri uri)
    {
        if (_voice is not { } voice) return null;
        foreach (var hook in (ReadOnlySpan<Webhook?>)[voice.AnswerUrl, voice.FallbackAnswerUrl, voice.EventUrl])
        {
            if (hook?.ConnectTimeout is { } ms && SameEndpoint(hook.Address, uri)) return TimeSpan.FromMilliseconds(ms);
        }
        return null;
    }

    private static bool SameEndpoint(Uri configured, Uri actual) =>
        Uri.Compare(configured, actual, UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0;
}
