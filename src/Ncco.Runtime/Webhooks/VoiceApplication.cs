using Ncco.Model;

namespace Ncco.Webhooks;

/// <summary>A webhook address plus method and deadlines (application <c>answer_url</c>/<c>event_url</c>/<c>fallback_answer_url</c>).</summary>
/// <param name="Address">Absolute URL.</param>
/// <param name="Method">HTTP method.</param>
public sealed record WebhookTarget(Uri Address, WebhookMethod Method)
{
    /// <summary>Deadline of one attempt (<c>socket_timeout</c>). Null: 5 s for answer/fallback, 10 s for events.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Creates a target from a URL string.</summary>
    public static WebhookTarget Of(string url, WebhookMethod method) => new(new Uri(url, UriKind.Absolute), method);
}

/// <summary>The voice capability of an application: where webhooks go and how they are signed.</summary>
public sealed record VoiceApplication
{
    /// <summary>Application id (JWT claim <c>application_id</c>).</summary>
    public string ApplicationId { get; init; } = "00000000-0000-4000-8000-000000000000";

    /// <summary>Account api key (JWT claim <c>api_key</c>).</summary>
    public string ApiKey { get; init; } = "abcd1234";

    /// <summary>Answer webhook; default method GET.</summary>
    public WebhookTarget? AnswerUrl { get; init; }

    /// <summary>Event webhook; default method POST.</summary>
    public WebhookTarget? EventUrl { get; init; }

    /// <summary>Fallback answer webhook.</summary>
    public WebhookTarget? FallbackAnswerUrl { get; init; }

    /// <summary>When set, every webhook carries <c>Authorization: Bearer &lt;HS256 JWT&gt;</c> signed with this secret.</summary>
    public string? SignatureSecret { get; init; }

    /// <summary>Base URL reported as <c>region_url</c>.</summary>
    public string RegionUrl { get; init; } = "https://api-eu-3.vonage.com";

    /// <summary>Base of <c>recording_url</c>.</summary>
    public string FilesBaseUrl { get; init; } = "https://api.nexmo.com/v1/files/";

    /// <summary>
    /// How long a named conversation (the <c>conversation</c> action) lives on once its last participant left, so a
    /// later call with the same name joins the same conversation uuid (the application's <c>conversations_ttl</c>,
    /// default 48 hours). Null: it never expires (<c>conversations_ttl: 0</c>, "infinite" in Vonage's Java and Node
    /// docs). The clock runs from the moment the conversation became empty, not from its creation as one reading of
    /// Vonage's wording has it: a live conference is never cut off by its age. A conversation that ended
    /// (<c>endOnExit</c>) frees its name at once.
    /// </summary>
    public TimeSpan? NamedConversationTtl { get; init; } = TimeSpan.FromHours(48);
}
