using Ncco.Model;

namespace Ncco.Testing.Scenarios;

/// <summary>
/// Where the app under test takes its webhooks: paths on the app's base URL (<c>--app</c>, or the in-process app) and
/// methods. Unset members fall back to the runner's defaults, then to Vonage's (<c>GET /webhooks/answer</c>,
/// <c>POST /webhooks/event</c>, no fallback URL).
/// </summary>
public sealed record ScenarioApp
{
    /// <summary>Vonage's defaults, which the simulator also uses.</summary>
    public static ScenarioApp Default { get; } = new()
    {
        AnswerUrl = "/webhooks/answer",
        AnswerMethod = WebhookMethod.Get,
        EventUrl = "/webhooks/event",
        EventMethod = WebhookMethod.Post,
        FallbackMethod = WebhookMethod.Get,
    };

    /// <summary>Answer webhook path (with an optional query), e.g. <c>/webhooks/answer</c>.</summary>
    public string? AnswerUrl { get; init; }

    /// <summary>Answer webhook method.</summary>
    public WebhookMethod? AnswerMethod { get; init; }

    /// <summary>Event webhook path.</summary>
    public string? EventUrl { get; init; }

    /// <summary>Event webhook method.</summary>
    public WebhookMethod? EventMethod { get; init; }

    /// <summary>Fallback answer webhook path (none by default).</summary>
    public string? FallbackUrl { get; init; }

    /// <summary>Fallback webhook method.</summary>
    public WebhookMethod? FallbackMethod { get; init; }

    /// <summary>
    /// The app's public base URL (<c>https://demo.ngrok.io</c>), when the app writes it into its NCCOs' <c>eventUrl</c>s:
    /// webhooks to that host go to the app; other hosts are refused, as the platform could not reach them either.
    /// </summary>
    public Uri? PublicUrl { get; init; }

    /// <summary>
    /// Paths on the app whose error answers (an HTTP error, a failed connection) the scenario means, e.g. an answer
    /// webhook that fails so that the fallback answer URL is used. Any other error answer fails the scenario.
    /// </summary>
    public IReadOnlyList<string>? AllowedWebhookErrors { get; init; }

    /// <summary>
    /// These settings where set, else <paramref name="defaults"/>'s. A scenario's own <c>app:</c> section is the more
    /// specific statement, so it wins over the runner's (the command line's) defaults.
    /// </summary>
    public ScenarioApp Over(ScenarioApp defaults)
    {
        ArgumentNullException.ThrowIfNull(defaults);
        return new ScenarioApp
        {
            AnswerUrl = AnswerUrl ?? defaults.AnswerUrl,
            AnswerMethod = AnswerMethod ?? defaults.AnswerMethod,
            EventUrl = EventUrl ?? defaults.EventUrl,
            EventMethod = EventMethod ?? defaults.EventMethod,
            FallbackUrl = FallbackUrl ?? defaults.FallbackUrl,
            FallbackMethod = FallbackMethod ?? defaults.FallbackMethod,
            PublicUrl = PublicUrl ?? defaults.PublicUrl,
            AllowedWebhookErrors = AllowedWebhookErrors ?? defaults.AllowedWebhookErrors,
        };
    }

    /// <summary>Applies the settings (over <see cref="Default"/>) to simulator options.</summary>
    public void ApplyTo(SimulatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var s = Over(Default);
        options.AnswerUrl(s.AnswerUrl!, s.AnswerMethod!.Value);
        options.EventUrl(s.EventUrl!, s.EventMethod!.Value);
        if (s.FallbackUrl is not null) options.FallbackAnswerUrl(s.FallbackUrl, s.FallbackMethod!.Value);
        if (s.PublicUrl is not null) options.PublicBaseUrl(s.PublicUrl.ToString());
        if (s.AllowedWebhookErrors is { Count: > 0 } paths) options.AllowWebhookErrors([.. paths]);
        // A misconfiguration is then explained with the scenario file's keys, not the C# options.
        options.ForScenarioFiles = true;
    }
}
