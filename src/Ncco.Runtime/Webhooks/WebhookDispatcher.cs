using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ncco.Calls;
using Ncco.Events;
using Ncco.Model;
using Ncco.Scheduling;
using Ncco.Serialization;
using Ncco.Validation;

namespace Ncco.Webhooks;

/// <summary>What fetching an NCCO from a webhook produced.</summary>
public sealed record NccoFetchResult
{
    /// <summary>The NCCO to run (replacement), if one was obtained.</summary>
    public NccoDocument? Ncco { get; init; }

    /// <summary>True when the application answered 2xx with no NCCO (carry on with the current NCCO).</summary>
    public bool CarryOn { get; init; }

    /// <summary>True when no NCCO could be obtained from the URL nor the fallback.</summary>
    public bool Failed => Ncco is null && !CarryOn;

    /// <summary>Why it failed (for the error event); for an invalid NCCO names the JSON pointer and reason.</summary>
    public string? Reason { get; init; }

    /// <summary>
    /// The same failure as <see cref="Reason"/>, told the way the application's event webhook may see it: no status code,
    /// no parser text and nothing quoted from a response that is not recognisably an NCCO (see <see cref="WebhookDispatcher"/>).
    /// </summary>
    internal string? EventReason { get; init; }

    /// <summary>Validation errors of the last invalid NCCO received, if that is why it failed.</summary>
    public IReadOnlyList<NccoError> Errors { get; init; } = [];

    /// <summary>True when an application's answer was refused for being larger than the transport's limit.</summary>
    public bool TooLarge { get; init; }

    /// <summary>
    /// True when the failure was the application's answer itself (an invalid NCCO, a body over the size limit) rather than
    /// its reachability: the application is told with an error event.
    /// </summary>
    public bool IsBadAnswer => Errors.Count > 0 || TooLarge;
}

/// <summary>
/// Webhook semantics of reference §2.1: answer/event/fallback, retries (connection failure, timeout, 429/503/504 ⇒ one
/// more attempt), fallback with <c>reason</c> + <c>original_request</c>, invalid NCCO ⇒ fallback without retry, and
/// signing. Timing of attempts is the transport's business; the VM waits for each on its own thread.
/// </summary>
/// <remarks>
/// <para>
/// What a failure tells the application (issue 16, SSRF): a webhook URL may point at something that is not the
/// application (an internal service, a metadata endpoint). The <c>error</c> event therefore never carries what such a
/// target answered: not its HTTP status, not its reason phrase, not parser text, and nothing quoted from a body that is
/// not recognisably an NCCO (valid JSON, an array, every item an object with an <c>action</c>). A failed request is
/// "the request failed", an answer over the size limit names the limit, and an invalid NCCO names each problem's JSON
/// pointer and reason — those quote only the application's own NCCO. The full detail (status, parser message) goes to
/// the call's timeline and the host's log, which only the operator reads.
/// </para>
/// <para>
/// The <c>reason</c> field of a fallback request keeps Vonage's wording (<c>Connection closed.</c>, <c>HTTP 500.</c>),
/// since both URLs belong to the same application and the platform documents that field.
/// </para>
/// </remarks>
public sealed class WebhookDispatcher
{
    private readonly VmScheduler _scheduler;
    private readonly IIdGenerator _ids;
    private readonly IWebhookTransport _transport;
    private readonly IVmObserver _observer;

    internal WebhookDispatcher(VmScheduler scheduler, IIdGenerator ids, VoiceApplication application, IWebhookTransport transport, IVmObserver observer)
    {
        _scheduler = scheduler;
        _ids = ids;
        Application = application;
        _transport = transport;
        _observer = observer;
    }

    /// <summary>The application whose webhooks these are.</summary>
    public VoiceApplication Application { get; internal set; }

    /// <summary>The trace context of a leg by uuid (its <c>ncco.call</c> span), the parent of its webhooks' spans.</summary>
    internal Func<string, System.Diagnostics.ActivityContext>? TraceOf { get; set; }

    /// <summary>NCCO validation options used for webhook responses.</summary>
    public NccoValidationOptions ValidationOptions { get; set; } = NccoValidationOptions.Default;

    /// <summary>Sends an event that expects no instructions; one extra attempt on a retryable failure. Returns true when delivered.</summary>
    public async Task<bool> SendEventAsync(WebhookTarget target, WebhookPayload payload, string? legId)
    {
        ArgumentNullException.ThrowIfNull(target);
        var response = await SendOnceAsync(target, WebhookKind.Event, payload, legId, 1, null);
        if (response.IsRetryable) response = await SendOnceAsync(target, WebhookKind.Event, payload, legId, 2, null);
        return response.IsSuccess;
    }

    /// <summary>
    /// Asks <paramref name="target"/> for an NCCO (answer webhook, or an event that may return one), applying the
    /// retry and fallback rules. For events an empty 2xx means carry on; for answer it is an error.
    /// </summary>
    public Task<NccoFetchResult> FetchNccoAsync(WebhookTarget target, WebhookKind kind, WebhookPayload payload, string? legId) =>
        FetchNccoAsync(target, kind, payload, legId, setup: false);

    /// <summary>
    /// As <see cref="FetchNccoAsync(WebhookTarget, WebhookKind, WebhookPayload, string?)"/> for the answer webhook of a
    /// call in setup: each attempt's result (and the fallback's) comes back through the VM's setup lane
    /// (<see cref="VmScheduler.RunSetupExternal{T}"/>), ahead of other calls' in-call work.
    /// </summary>
    internal Task<NccoFetchResult> FetchAnswerForSetupAsync(WebhookTarget target, WebhookPayload payload, string? legId) =>
        FetchNccoAsync(target, WebhookKind.Answer, payload, legId, setup: true);

    private async Task<NccoFetchResult> FetchNccoAsync(WebhookTarget target, WebhookKind kind, WebhookPayload payload, string? legId, bool setup)
    {
        ArgumentNullException.ThrowIfNull(target);
        var (result, reason) = await TryUrlAsync(target, kind, payload, legId, null, retry: true, setup);
        if (result is not null && !result.Failed) return result;
        var urlName = kind == WebhookKind.Answer ? "answer_url" : "event_url";
        var eventReason = urlName + ": " + (result?.EventReason ?? RequestFailed);
        var fallback = Application.FallbackAnswerUrl;
        if (fallback is null) return result is null ? new NccoFetchResult { Reason = reason, EventReason = eventReason } : result with { EventReason = eventReason };
        var original = new JsonObject
        {
            ["reason"] = reason,
            ["original_request"] = new JsonObject
            {
                ["url"] = target.Address.ToString(),
                ["type"] = kind == WebhookKind.Answer ? "answer" : "event",
            },
        };
        var (fb, fbReason) = await TryUrlAsync(fallback, WebhookKind.Fallback, payload, legId, original, retry: true, setup, emptyIsCarryOn: kind != WebhookKind.Answer);
        if (fb is not null && !fb.Failed) return fb;
        var both = $"{eventReason}; fallback_answer_url: {fb?.EventReason ?? RequestFailed}";
        return fb is null
            ? new NccoFetchResult { Reason = $"{reason}; fallback_answer_url: {fbReason}", EventReason = both, Errors = result?.Errors ?? [], TooLarge = result?.TooLarge ?? false }
            : fb with { EventReason = both };
    }

    /// <summary>What the application is told about a request that got no usable answer (no status: see the remarks).</summary>
    private const string RequestFailed = "the request failed (no connection, a timeout or an HTTP error status); the host's log names which";

    private async Task<(NccoFetchResult? Result, string Reason)> TryUrlAsync(WebhookTarget target, WebhookKind kind, WebhookPayload payload, string? legId,
        JsonObject? extra, bool retry, bool setup, bool? emptyIsCarryOn = null)
    {
        var carryOnWhenEmpty = emptyIsCarryOn ?? kind == WebhookKind.Event;
        var response = await SendOnceAsync(target, kind, payload, legId, 1, extra, setup);
        if (retry && response.IsRetryable) response = await SendOnceAsync(target, kind, payload, legId, 2, extra, setup);
        if (response.Failure == WebhookFailure.TooLarge)
        {
            // Like an invalid NCCO: not retried, and the caller goes to the fallback URL.
            var tooLarge = DescribeFailure(response);
            return (new NccoFetchResult
            {
                Reason = tooLarge,
                EventReason = $"the response was larger than the limit of {response.BodyLimit} bytes and was not read",
                TooLarge = true,
            }, tooLarge);
        }
        if (!response.IsSuccess) return (null, DescribeFailure(response));
        var body = response.Body;
        if (IsBlank(body.Span))
        {
            return carryOnWhenEmpty
                ? (new NccoFetchResult { CarryOn = true }, "")
                : (new NccoFetchResult { Reason = "Empty response where an NCCO was expected.", EventReason = "the response was empty where an NCCO was expected" },
                    "Empty response where an NCCO was expected.");
        }
        if (carryOnWhenEmpty && !LooksLikeArray(body.Span)) return (new NccoFetchResult { CarryOn = true }, "");
        var parsed = NccoParser.Parse(body, ValidationOptions);
        foreach (var warning in parsed.Warnings)
        {
            // Ignored, as on Vonage, but never silently: the timeline (and the host's log) names the pointer and suggestion.
            _observer.OnActivity(_scheduler.UtcNow, legId, VmActivity.Warning,
                $"NCCO from {target.Address.GetLeftPart(UriPartial.Path)}: {warning.Pointer} {warning.Code}: {warning.Message} (ignored)");
        }
        if (parsed.IsValid) return (new NccoFetchResult { Ncco = parsed.Document }, "");
        var why = "Invalid NCCO: " + string.Join("; ", parsed.Errors.Select(e => $"{(e.Pointer.Length == 0 ? "/" : e.Pointer)} {e.Code}: {e.Message}"));
        // An invalid NCCO is not retried: it is returned as a failure and the caller goes to the fallback URL.
        return (new NccoFetchResult { Reason = why, EventReason = "Invalid NCCO: " + ForEvent(parsed.Errors), Errors = parsed.Errors }, why);
    }

    /// <summary>
    /// The problems of an invalid answer as the application may read them: in full when the body is recognisably an NCCO
    /// (its messages quote only the application's own document), otherwise only its shape — a body that is not JSON, not
    /// an array, or holds items that are not actions may be some other service's answer, and is never quoted.
    /// </summary>
    private static string ForEvent(IReadOnlyList<NccoError> errors)
    {
        foreach (var e in errors)
        {
            var shape = e.Code switch
            {
                NccoErrorCodes.InvalidJson => "the response is not valid JSON",
                NccoErrorCodes.NotAnArray => "the response is not a JSON array of actions",
                NccoErrorCodes.NotAnObject or NccoErrorCodes.MissingAction => $"the response is not an NCCO ({(e.Pointer.Length == 0 ? "/" : e.Pointer)} is not an action object)",
                NccoErrorCodes.Encoding when e.Pointer.Length == 0 => "the response is not valid UTF-8 text",
                _ => null,
            };
            if (shape is not null) return shape;
        }
        return string.Join("; ", errors.Select(e => $"{(e.Pointer.Length == 0 ? "/" : e.Pointer)} {e.Code}: {e.Message}"));
    }

    private static bool IsBlank(ReadOnlySpan<byte> body)
    {
        foreach (var b in body) if (b is not ((byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t')) return false;
        return true;
    }

    private static bool LooksLikeArray(ReadOnlySpan<byte> body)
    {
        foreach (var b in body)
        {
            if (b is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t') continue;
            return b == (byte)'[';
        }
        return false;
    }

    private static string DescribeFailure(WebhookResponse response) => response.Failure switch
    {
        WebhookFailure.ConnectionFailed => "Connection closed.",
        WebhookFailure.Timeout => "Timeout.",
        WebhookFailure.TooLarge => $"Response body larger than the limit of {response.BodyLimit} bytes (HTTP {response.StatusCode}); it was not read.",
        _ => $"HTTP {response.StatusCode}.",
    };

    /// <summary>Makes exactly one attempt (building the query string or body, and signing when configured).</summary>
    public Task<WebhookResponse> SendOnceAsync(WebhookTarget target, WebhookKind kind, WebhookPayload payload, string? legId, int attempt, JsonObject? extra) =>
        SendOnceAsync(target, kind, payload, legId, attempt, extra, setup: false);

    private async Task<WebhookResponse> SendOnceAsync(WebhookTarget target, WebhookKind kind, WebhookPayload payload, string? legId, int attempt, JsonObject? extra,
        bool setup)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(payload);
        var json = PayloadJson.Serialize(payload);
        if (extra is not null)
        {
            var node = JsonNode.Parse(json)!.AsObject();
            foreach (var (k, v) in extra) node[k] = v?.DeepClone();
            json = JsonSerializer.SerializeToUtf8Bytes(node, PayloadJson.Options);
        }
        var uri = target.Address;
        var body = json;
        if (target.Method == WebhookMethod.Get)
        {
            uri = WebhookQuery.AppendTo(uri, json);
            body = [];
        }
        var headers = new Dictionary<string, string>();
        if (Application.SignatureSecret is { } secret)
        {
            headers["Authorization"] = WebhookSigner.CreateToken(secret, body, _scheduler.UtcNow, _ids.NewId(IdKind.Jwt), Application.ApiKey, Application.ApplicationId, "Bearer "u8);
        }
        var request = new WebhookRequest(uri, target.Method, kind, body, payload)
        {
            Headers = headers,
            Attempt = attempt,
            Timeout = target.Timeout ?? (kind == WebhookKind.Event ? TimeSpan.FromSeconds(10) : TimeSpan.FromSeconds(5)),
            PayloadJson = Encoding.UTF8.GetString(json),
        };
        var previousSpan = System.Diagnostics.Activity.Current;
        var span = Diagnostics.NccoTracing.StartWebhook(_scheduler.UtcNow, legId is not null && TraceOf is { } traceOf ? traceOf(legId) : default,
            kind, target.Method, uri, attempt, headers);
        WebhookResponse response;
        try
        {
            response = setup
                ? await _scheduler.RunSetupExternal(ct => _transport.SendAsync(request, ct))
                : await _scheduler.RunExternal(ct => _transport.SendAsync(request, ct));
        }
        catch (Exception e) when (e is HttpRequestException or IOException or InvalidOperationException)
        {
            response = WebhookResponse.ConnectionFailed;
        }
        finally
        {
            Diagnostics.NccoTracing.Restore(previousSpan);
        }
        Diagnostics.NccoTracing.EndWebhook(span, _scheduler.UtcNow, response);
        _observer.OnWebhook(_scheduler.UtcNow, legId, request, response);
        return response;
    }
}
