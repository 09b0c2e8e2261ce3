using Ncco.Interpreter;
using Ncco.Legs;
using Ncco.Model;
using Ncco.Validation;
using Ncco.Webhooks;

namespace Ncco.Testing;

/// <summary>How the simulated Vonage application is configured (paths are relative to the app's base URL).</summary>
public sealed class SimulatorOptions
{
    internal Uri BaseUrl { get; set; } = new("http://localhost/");

    internal string AnswerPath { get; private set; } = "/webhooks/answer";

    internal WebhookMethod AnswerMethod { get; private set; } = WebhookMethod.Get;

    internal string? EventPath { get; private set; } = "/webhooks/event";

    internal WebhookMethod EventMethod { get; private set; } = WebhookMethod.Post;

    internal string? FallbackPath { get; private set; }

    internal WebhookMethod FallbackMethod { get; private set; } = WebhookMethod.Get;

    internal string? Secret { get; private set; }

    internal List<Action<HandlerRegistry>> HandlerConfig { get; } = [];

    /// <summary>Virtual clock start (default 2026-01-01T09:00:00Z) — fixed so timestamps are the same every run.</summary>
    public DateTimeOffset StartTime { get; set; } = new(2026, 1, 1, 9, 0, 0, TimeSpan.Zero);

    /// <summary>Default virtual time an expectation may wait (default 10 minutes).</summary>
    public TimeSpan DefaultTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Real time a webhook may take before the test fails (default 30 s).</summary>
    public TimeSpan WebhookGuard { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Validation options for NCCOs the app returns. Custom actions registered with <see cref="Handlers"/> need no entry here.</summary>
    public NccoValidationOptions Validation { get; set; } = NccoValidationOptions.Default;

    /// <summary>
    /// How long a virtual party takes to say something (<see cref="VirtualCall.SaysAsync"/> without a duration).
    /// Default: 0.4 s a word (≈150 words a minute, as TTS is timed), at least 0.5 s.
    /// </summary>
    public Func<string, TimeSpan> SpeechDuration { get; set; } = PlaybackDuration.Speech;

    /// <summary>Application id used in signed webhooks.</summary>
    public string ApplicationId { get; set; } = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee";

    /// <summary>Answer webhook path and method (default <c>GET /webhooks/answer</c>).</summary>
    public SimulatorOptions AnswerUrl(string path, WebhookMethod method = WebhookMethod.Get)
    {
        AnswerPath = path;
        AnswerMethod = method;
        return this;
    }

    /// <summary>Event webhook path and method (default <c>POST /webhooks/event</c>); null for none.</summary>
    public SimulatorOptions EventUrl(string? path, WebhookMethod method = WebhookMethod.Post)
    {
        EventPath = path;
        EventMethod = method;
        return this;
    }

    /// <summary>Fallback answer webhook.</summary>
    public SimulatorOptions FallbackAnswerUrl(string path, WebhookMethod method = WebhookMethod.Get)
    {
        FallbackPath = path;
        FallbackMethod = method;
        return this;
    }

    /// <summary>Sign every webhook (HS256 JWT with payload_hash) with <paramref name="secret"/>.</summary>
    public SimulatorOptions SignWebhooks(string secret)
    {
        Secret = secret;
        return this;
    }

    /// <summary>
    /// Replace a built-in handler or add a custom action (for example <c>h.Register&lt;Beep&gt;("beep", …)</c>); the
    /// simulated VM accepts every custom action registered here in the NCCOs the app returns.
    /// </summary>
    public SimulatorOptions Handlers(Action<HandlerRegistry> configure)
    {
        HandlerConfig.Add(configure);
        return this;
    }

    internal Uri Resolve(string path) => new(BaseUrl, path);

    internal VoiceApplication ToApplication() => new()
    {
        ApplicationId = ApplicationId,
        AnswerUrl = new WebhookTarget(Resolve(AnswerPath), AnswerMethod),
        EventUrl = EventPath is null ? null : new WebhookTarget(Resolve(EventPath), EventMethod),
        FallbackAnswerUrl = FallbackPath is null ? null : new WebhookTarget(Resolve(FallbackPath), FallbackMethod),
        SignatureSecret = Secret,
    };
}
