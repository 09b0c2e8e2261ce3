namespace Ncco.Model.Endpoints;

/// <summary>
/// Something a call can be connected to (named <c>CallEndpoint</c>, not <c>Endpoint</c>, so it never collides with
/// ASP.NET Core's <c>Microsoft.AspNetCore.Http.Endpoint</c>, which web projects import implicitly): the <c>endpoint</c> of <c>connect</c> and the <c>to</c> of
/// <c>POST /v1/calls</c>. The wire discriminator is <see cref="Type"/>.
/// </summary>
[System.Text.Json.Serialization.JsonConverter(typeof(Ncco.Serialization.EndpointJsonConverter))]
public abstract record CallEndpoint
{
    /// <summary>The wire type (<c>phone</c>, <c>app</c>, <c>websocket</c>, <c>sip</c>, <c>vbc</c>).</summary>
    public abstract string Type { get; }

    /// <summary>A phone number (E.164 without <c>+</c>).</summary>
    public static PhoneEndpoint Phone(string number, string? dtmfAnswer = null) => new(number) { DtmfAnswer = dtmfAnswer };

    /// <summary>A user of the application.</summary>
    public static AppEndpoint App(string user) => new(user);

    /// <summary>A SIP URI (<c>sip:alice@example.com</c>), with optional <c>X-</c> headers.</summary>
    public static SipEndpoint Sip(string uri, IReadOnlyDictionary<string, string>? headers = null) =>
        new() { Uri = uri, Headers = headers is null ? null : new EquatableList<KeyValuePair<string, string>>(headers) };

    /// <summary>An application WebSocket receiving 16-bit linear PCM at <paramref name="sampleRate"/> (8000, 16000 or 24000).</summary>
    public static WebSocketEndpoint WebSocket(string uri, int sampleRate = 16000, object? headers = null) =>
        new(new Uri(uri, UriKind.Absolute), "audio/l16;rate=" + sampleRate.ToString(System.Globalization.CultureInfo.InvariantCulture))
        {
            Headers = headers is null ? null : System.Text.Json.JsonSerializer.SerializeToElement(headers),
        };

    /// <summary>A Vonage Business Cloud extension.</summary>
    public static VbcEndpoint Vbc(string extension) => new(extension);
}

/// <summary>The wire names of the endpoint types.</summary>
public static class EndpointTypes
{
    /// <summary><c>phone</c></summary>
    public const string Phone = "phone";
    /// <summary><c>app</c></summary>
    public const string App = "app";
    /// <summary><c>websocket</c></summary>
    public const string WebSocket = "websocket";
    /// <summary><c>sip</c></summary>
    public const string Sip = "sip";
    /// <summary><c>vbc</c></summary>
    public const string Vbc = "vbc";
}
