using System.Text;
using Ncco.Events;
using Ncco.Model;

namespace Ncco.Webhooks;

/// <summary>What a webhook is for.</summary>
public enum WebhookKind
{
    /// <summary>The answer webhook.</summary>
    Answer,
    /// <summary>An event webhook.</summary>
    Event,
    /// <summary>The fallback answer webhook (after answer or an NCCO-returning event failed).</summary>
    Fallback,
}

/// <summary>One HTTP request the VM wants made. For GET the payload is in <see cref="Uri"/>'s query and the body is empty.</summary>
/// <param name="Uri">Full request URI (with the query string for GET).</param>
/// <param name="Method">GET or POST.</param>
/// <param name="Kind">Answer, event or fallback.</param>
/// <param name="Body">UTF-8 JSON body (empty for GET).</param>
/// <param name="Payload">The typed payload (for logs and delegate apps).</param>
public sealed record WebhookRequest(Uri Uri, WebhookMethod Method, WebhookKind Kind, byte[] Body, WebhookPayload Payload)
{
    /// <summary>Extra headers (e.g. <c>Authorization</c> for signed webhooks).</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>Deadline of this attempt.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>1-based attempt number for this URL.</summary>
    public int Attempt { get; init; } = 1;

    /// <summary>The JSON of the payload (the body for POST; what the query encodes for GET).</summary>
    public string PayloadJson { get; init; } = "";

    /// <summary>The body as text.</summary>
    public string BodyText => Encoding.UTF8.GetString(Body);
}

/// <summary>How a webhook attempt failed without an HTTP status.</summary>
public enum WebhookFailure
{
    /// <summary>An HTTP response arrived.</summary>
    None,
    /// <summary>Connection refused/closed/reset.</summary>
    ConnectionFailed,
    /// <summary>No response before the deadline.</summary>
    Timeout,
    /// <summary>
    /// The response body was larger than the transport's limit (<see cref="WebhookResponse.BodyLimit"/>): reading stopped
    /// there and the connection was dropped. Not retried (the application would send the same again); an NCCO that arrives
    /// this way is treated like an invalid one (fallback URL, else an error event naming the limit).
    /// </summary>
    TooLarge,
}

/// <summary>The application's answer to a webhook.</summary>
/// <param name="StatusCode">HTTP status (0 when <paramref name="Failure"/> is set).</param>
/// <param name="Body">Response body.</param>
/// <param name="Failure">Transport failure, if any.</param>
public sealed record WebhookResponse(int StatusCode, ReadOnlyMemory<byte> Body, WebhookFailure Failure = WebhookFailure.None)
{
    /// <summary>200 with an empty body.</summary>
    public static WebhookResponse Empty { get; } = new(200, ReadOnlyMemory<byte>.Empty);

    /// <summary>200 with a JSON body.</summary>
    public static WebhookResponse Json(string json) => new(200, Encoding.UTF8.GetBytes(json));

    /// <summary>200 with an NCCO body.</summary>
    public static WebhookResponse Ncco(NccoDocument ncco)
    {
        ArgumentNullException.ThrowIfNull(ncco);
        return Json(ncco.ToJson());
    }

    /// <summary>A bare HTTP status.</summary>
    public static WebhookResponse Status(int statusCode) => new(statusCode, ReadOnlyMemory<byte>.Empty);

    /// <summary>Connection failed.</summary>
    public static WebhookResponse ConnectionFailed { get; } = new(0, ReadOnlyMemory<byte>.Empty, WebhookFailure.ConnectionFailed);

    /// <summary>Timed out.</summary>
    public static WebhookResponse TimedOut { get; } = new(0, ReadOnlyMemory<byte>.Empty, WebhookFailure.Timeout);

    /// <summary>A response with status <paramref name="statusCode"/> whose body went over <paramref name="limit"/> bytes (and was not kept).</summary>
    public static WebhookResponse TooLarge(int statusCode, long limit) =>
        new(statusCode, ReadOnlyMemory<byte>.Empty, WebhookFailure.TooLarge) { BodyLimit = limit };

    /// <summary>For <see cref="WebhookFailure.TooLarge"/>: the limit in bytes the body went over.</summary>
    public long? BodyLimit { get; init; }

    /// <summary>2xx from 200 to 205 (the documented "delivered" range).</summary>
    public bool IsSuccess => Failure == WebhookFailure.None && StatusCode is >= 200 and <= 205;

    /// <summary>Connection failure, timeout, 429, 503 or 504: worth one more attempt (an oversized body is not).</summary>
    public bool IsRetryable => Failure is WebhookFailure.ConnectionFailed or WebhookFailure.Timeout || (Failure == WebhookFailure.None && StatusCode is 429 or 503 or 504);

    /// <summary>Body as text.</summary>
    public string BodyText => Encoding.UTF8.GetString(Body.Span);

    /// <summary>Short description for logs.</summary>
    public string Describe() => Failure switch
    {
        WebhookFailure.ConnectionFailed => "connection failed",
        WebhookFailure.Timeout => "timed out",
        WebhookFailure.TooLarge => $"{StatusCode} with a body over the {BodyLimit}-byte limit (not read)",
        _ => Body.Length == 0 ? $"{StatusCode} (empty)" : $"{StatusCode} {Truncate(BodyText)}",
    };

    private static string Truncate(string s) => s.Length <= 300 ? s : s[..300] + "…";
}

/// <summary>Delivers webhook requests: real HTTP, an in-process app, or plain delegates.</summary>
public interface IWebhookTransport
{
    /// <summary>Makes one attempt. Transport failures should be returned as <see cref="WebhookResponse.ConnectionFailed"/> /
    /// <see cref="WebhookResponse.TimedOut"/>, not thrown.</summary>
    Task<WebhookResponse> SendAsync(WebhookRequest request, CancellationToken cancellationToken);
}

/// <summary>A transport over a delegate (handy in tests and for apps written as functions).</summary>
public sealed class DelegateWebhookTransport(Func<WebhookRequest, CancellationToken, Task<WebhookResponse>> handler) : IWebhookTransport
{
    /// <inheritdoc />
    public Task<WebhookResponse> SendAsync(WebhookRequest request, CancellationToken cancellationToken) => handler(request, cancellationToken);
}
