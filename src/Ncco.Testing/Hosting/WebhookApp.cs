using System.Text.Json;
using Ncco.Model;
using Ncco.Webhooks;

namespace Ncco.Testing.Hosting;

/// <summary>What a delegate app sees: the request and its JSON payload.</summary>
/// <param name="Request">The webhook request.</param>
public sealed record WebhookCall(WebhookRequest Request)
{
    /// <summary>URL path.</summary>
    public string Path => Request.Uri.AbsolutePath;

    // Parsed on first use: most delegate handlers read nothing, or only the path.
    private JsonElement? _payload;

    /// <summary>The payload (POST body or GET query, as JSON).</summary>
    public JsonElement Payload => _payload ??= ParsePayload(Request.PayloadJson);

    private static JsonElement ParsePayload(string json)
    {
        using var document = JsonDocument.Parse(json.Length == 0 ? "{}" : json);
        return document.RootElement.Clone();
    }

    /// <summary>A string field of the payload, or null.</summary>
    public string? Field(string name) => Payload.TryGetProperty(name, out var v) ? v.ValueKind == JsonValueKind.String ? v.GetString() : v.GetRawText() : null;

    /// <summary>DTMF digits of an input event, or null.</summary>
    public string? Digits => Payload.TryGetProperty("dtmf", out var d) && d.ValueKind == JsonValueKind.Object && d.TryGetProperty("digits", out var x) && x.ValueKind == JsonValueKind.String ? x.GetString() : null;

    /// <summary>Best speech result of an input event, or null.</summary>
    public string? SpeechText => Payload.TryGetProperty("speech", out var s) && s.TryGetProperty("results", out var r) && r.ValueKind == JsonValueKind.Array && r.GetArrayLength() > 0
        ? r[0].GetProperty("text").GetString() : null;

    /// <summary>The <c>status</c> field, or null.</summary>
    public string? Status => Field("status");
}

/// <summary>
/// A webhook app written as plain delegates, routed by path. Handlers return an <see cref="NccoDocument"/> (sent as
/// JSON), a <see cref="WebhookResponse"/>, or null (200, empty body).
/// </summary>
public sealed class WebhookApp : IWebhookTransport
{
    private readonly Dictionary<string, Func<WebhookCall, object?>> _routes = new(StringComparer.OrdinalIgnoreCase);
    private int _simulators;

    /// <summary>Numbers the simulators started on this app (0, 1, …): their default id seed.</summary>
    internal int NextSimulator() => Interlocked.Increment(ref _simulators) - 1;

    /// <summary>Maps a path.</summary>
    public WebhookApp Map(string path, Func<WebhookCall, object?> handler)
    {
        _routes[path] = handler ?? throw new ArgumentNullException(nameof(handler));
        return this;
    }

    /// <summary>Maps a path to a fixed NCCO.</summary>
    public WebhookApp Map(string path, NccoDocument ncco) => Map(path, _ => ncco);

    /// <summary>Every request the app received, in order.</summary>
    public List<WebhookCall> Received { get; } = [];

    /// <inheritdoc />
    public Task<WebhookResponse> SendAsync(WebhookRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var call = new WebhookCall(request);
        lock (Received) Received.Add(call);
        if (!_routes.TryGetValue(call.Path, out var handler)) return Task.FromResult(WebhookResponse.Status(404));
        return Task.FromResult(handler(call) switch
        {
            null => WebhookResponse.Empty,
            WebhookResponse r => r,
            NccoDocument d => WebhookResponse.Ncco(d),
            NccoBuilder b => WebhookResponse.Ncco(b.Build()),
            string s => WebhookResponse.Json(s),
            var other => WebhookResponse.Json(JsonSerializer.Serialize(other)),
        });
    }
}
