namespace Ncco.Model.Endpoints;

/// <summary>An application WebSocket that receives and sends raw call audio.</summary>
/// <param name="Uri">A <c>ws://</c> or <c>wss://</c> URI.</param>
/// <param name="ContentType">One of <see cref="WebSocketContentTypes"/>.</param>
public sealed record WebSocketEndpoint(Uri Uri, string ContentType) : CallEndpoint
{
    private LazyUrl _uri = new(Uri);

    /// <summary>Binding from validated JSON: the URI kept as text until <see cref="Uri"/> is read.</summary>
    internal WebSocketEndpoint(LazyUrl uri, string contentType) : this((Uri)null!, contentType) => _uri = uri;

    /// <summary>A <c>ws://</c> or <c>wss://</c> URI.</summary>
    public Uri Uri { get => _uri.Value!; init => _uri = new(value); }

    // Declared after Uri so the printed members keep their order (Uri, ContentType).
    /// <summary>One of <see cref="WebSocketContentTypes"/>.</summary>
    public string ContentType { get; init; } = ContentType;

    /// <inheritdoc />
    public override string Type => EndpointTypes.WebSocket;

    /// <summary>A JSON object (≤ 512 bytes) echoed in <c>websocket:connected</c> and in event payloads.</summary>
    public JsonValue? Headers { get; init; }

    /// <summary>How the runtime authenticates to the socket.</summary>
    public WebSocketAuthorization? Authorization { get; init; }

    /// <summary>The sample rate named by <see cref="ContentType"/>, or null when it names none we support.</summary>
    public int? SampleRate => WebSocketContentTypes.SampleRateOf(ContentType);
}

/// <summary>The <c>authorization</c> object of a WebSocket endpoint.</summary>
/// <param name="Type">Vonage JWT or a custom header value.</param>
/// <param name="Value">The raw header value for <see cref="WebSocketAuthorizationType.Custom"/>.</param>
public sealed record WebSocketAuthorization(WebSocketAuthorizationType Type, string? Value = null);

/// <summary>The audio formats a WebSocket endpoint may ask for.</summary>
public static class WebSocketContentTypes
{
    /// <summary>16-bit linear PCM at 8 kHz.</summary>
    public const string L16Rate8000 = "audio/l16;rate=8000";
    /// <summary>16-bit linear PCM at 16 kHz.</summary>
    public const string L16Rate16000 = "audio/l16;rate=16000";
    /// <summary>16-bit linear PCM at 24 kHz.</summary>
    public const string L16Rate24000 = "audio/l16;rate=24000";

    /// <summary>Every supported content type.</summary>
    public static IReadOnlyList<string> All { get; } = [L16Rate8000, L16Rate16000, L16Rate24000];

    /// <summary>The sample rate of a supported content type (case-insensitive), or null.</summary>
    public static int? SampleRateOf(string contentType) => contentType.ToLowerInvariant() switch
    {
        L16Rate8000 => 8000,
        L16Rate16000 => 16000,
        L16Rate24000 => 24000,
        _ => null,
    };
}
