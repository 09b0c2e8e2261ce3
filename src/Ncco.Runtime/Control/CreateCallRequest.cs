using Ncco.Model;
using Ncco.Model.Endpoints;

namespace Ncco.Control;

/// <summary>An outbound call (REST <c>POST /v1/calls</c>): exactly one of <see cref="Ncco"/> / <see cref="AnswerUrl"/>.</summary>
/// <param name="To">Destination endpoint.</param>
public sealed record CreateCallRequest(CallEndpoint To)
{
    /// <summary>Caller id (number).</summary>
    public string? From { get; init; }
    /// <summary>Pick a number linked to the application instead of <see cref="From"/>.</summary>
    public bool RandomFromNumber { get; init; }
    /// <summary>Inline NCCO run on answer.</summary>
    public NccoDocument? Ncco { get; init; }
    /// <summary>URL whose NCCO runs on answer.</summary>
    public Uri? AnswerUrl { get; init; }
    /// <summary>Method for <see cref="AnswerUrl"/> (default GET).</summary>
    public WebhookMethod AnswerMethod { get; init; } = WebhookMethod.Get;
    /// <summary>Event URL for this call (default: the application's).</summary>
    public Uri? EventUrl { get; init; }
    /// <summary>Event method (default POST).</summary>
    public WebhookMethod EventMethod { get; init; } = WebhookMethod.Post;
    /// <summary>Standard answering-machine detection.</summary>
    public MachineDetectionBehavior? MachineDetection { get; init; }
    /// <summary>Advanced machine detection (wins over <see cref="MachineDetection"/>).</summary>
    public Model.Actions.AdvancedMachineDetection? AdvancedMachineDetection { get; init; }
    /// <summary>Hang up this long after answer (1–86400 s, default 7200).</summary>
    public int LengthTimer { get; init; } = 7200;
    /// <summary>Give up ringing after this long (1–120 s, default 60) with a <c>timeout</c> event.</summary>
    public int RingingTimer { get; init; } = 60;
}

/// <summary>Text to speak into a live call (REST <c>PUT …/talk</c>).</summary>
/// <param name="Text">Text or SSML.</param>
public sealed record TalkRequest(string Text)
{
    /// <summary>Language (default en-US).</summary>
    public string Language { get; init; } = "en-US";
    /// <summary>Style.</summary>
    public int Style { get; init; }
    /// <summary>Premium voice.</summary>
    public bool Premium { get; init; }
    /// <summary>Repetitions; 0 = until stopped.</summary>
    public int Loop { get; init; } = 1;
    /// <summary>Volume.</summary>
    public double Level { get; init; }
}

/// <summary>Audio to stream into a live call (REST <c>PUT …/stream</c>).</summary>
/// <param name="StreamUrl">Audio URL.</param>
public sealed record StreamRequest(Uri StreamUrl)
{
    /// <summary>Repetitions; 0 = until stopped.</summary>
    public int Loop { get; init; } = 1;
    /// <summary>Volume.</summary>
    public double Level { get; init; }
}
