using System.Text.Json;

namespace Ncco.Host.Applications;

/// <summary>A Vonage application: who owns calls, where their webhooks go, and the key that signs its JWTs.</summary>
/// <param name="Id">The application id (a UUID).</param>
/// <param name="Name">A display name (not unique).</param>
/// <param name="PublicKey">PEM public key (SubjectPublicKeyInfo) that verifies the application's RS256 JWTs.</param>
public sealed record Application(string Id, string Name, string PublicKey)
{
    /// <summary>The voice capability; null when the application has none.</summary>
    public VoiceCapability? Voice { get; init; }

    /// <summary><c>privacy.improve_ai</c>. Default true.</summary>
    public bool ImproveAi { get; init; } = true;

    /// <summary>
    /// Capabilities other than voice (<c>rtc</c>, <c>messages</c>, <c>vbc</c>, …), kept verbatim so clients that use
    /// them round-trip without loss even though this host does not act on them.
    /// </summary>
    public JsonElement? OtherCapabilities { get; init; }
}

/// <summary><c>capabilities.voice</c> of an application.</summary>
public sealed record VoiceCapability
{
    /// <summary>The documented default of <see cref="ConversationsTtl"/>, in hours.</summary>
    public const int DefaultConversationsTtl = 48;

    /// <summary>Where the NCCO of an inbound call is fetched.</summary>
    public Webhook? AnswerUrl { get; init; }

    /// <summary>Tried when the answer (or an NCCO-returning event) webhook fails.</summary>
    public Webhook? FallbackAnswerUrl { get; init; }

    /// <summary>Where call events go unless a call or action overrides it.</summary>
    public Webhook? EventUrl { get; init; }

    /// <summary>Sign webhooks with an HS256 JWT. Default true.</summary>
    public bool SignedCallbacks { get; init; } = true;

    /// <summary>Hours a named conversation lives. Default 48.</summary>
    public int ConversationsTtl { get; init; } = DefaultConversationsTtl;

    /// <summary>
    /// Days a finished leg stays readable through <c>GET /v1/calls</c> (1–31); null when not set, and then legs stay
    /// readable as long as this host keeps them (see <c>CallsEndpoints</c> for why).
    /// </summary>
    public int? LegPersistenceTime { get; init; }

    /// <summary>
    /// The region calls are handled in; null when not set. Stored and returned; this host is one region, so it does
    /// not route by it (a call's <c>region_url</c> is always this host's public URL).
    /// </summary>
    public string? Region { get; init; }

    /// <summary>
    /// <c>payment_enabled</c>: whether the application may take card payments (the NCCO <c>pay</c> action). Stored and
    /// returned, default false (Vonage returns it on every voice capability); this host has no payment gateway.
    /// </summary>
    public bool PaymentEnabled { get; init; }

    /// <summary>
    /// Members of the voice capability this host does not interpret — <c>payments</c> (<c>{"gateways":[…]}</c>) and any
    /// newer field — kept verbatim so they round-trip without loss; null when there are none.
    /// </summary>
    public JsonElement? OtherMembers { get; init; }
}

/// <summary>One webhook of the voice capability.</summary>
/// <param name="Address">The absolute URL.</param>
/// <param name="HttpMethod">GET or POST.</param>
public sealed record Webhook(Uri Address, string HttpMethod)
{
    /// <summary>TCP connect deadline in milliseconds (300–1000; default 1000).</summary>
    public int? ConnectTimeout { get; init; }

    /// <summary>Response deadline in milliseconds (answer/fallback 1000–5000, default 5000; event 1000–10000, default 10000).</summary>
    public int? SocketTimeout { get; init; }
}
