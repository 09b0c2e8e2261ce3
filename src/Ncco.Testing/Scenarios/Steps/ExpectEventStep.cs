using Ncco.Events;
using Ncco.Testing.Scenarios.Parsing;
using Ncco.Webhooks;

namespace Ncco.Testing.Scenarios.Steps;

/// <summary><c>expect_event</c>: an event webhook with these fields (auto-waiting).</summary>
internal sealed class ExpectEventStep : StepDefinition
{
    public override string Name => "expect_event";

    public override string Summary =>
        "Waits until the app has been sent an event (to the event URL or an action's eventUrl) with this status and these fields; "
        + "an event satisfies one such step (with `party:`, one about that party; without, one about any party, as in C#).";

    public override string Example => "- expect_event: completed";

    public override string? Shorthand => "status";

    public override IReadOnlyList<StepProperty> Properties { get; } =
    [
        new("status", ValueKind.Text, "The event's status: started, ringing, answered, busy, completed…") { AllowedValues = Statuses },
        new("fields", ValueKind.Fields, "Other fields the event has, e.g. { dtmf.digits: \"1\" } or { direction: inbound }."),
        StepProperty.Party("Only an event about this party's call. Default: any party."),
        StepProperty.Within,
    ];

    public override void Check(StepArguments arguments, SourceLocation at, ScenarioCheck check)
    {
        if (!arguments.Has("status") && !arguments.Has("fields")) check.Error(at, "'expect_event' needs 'status:' or 'fields:' to say which event");
        // A status no event has ('complete', 'hangup') would only fail after the whole timeout, saying it never came.
        if (arguments.Text("status") is { } status && !Statuses.Contains(status, StringComparer.Ordinal))
        {
            check.Error(arguments.At("status") ?? at,
                $"'{status}' is not a status an event has{Suggestions.DidYouMean(status, Statuses)}; the statuses are {string.Join(", ", Statuses)}");
        }
        if (arguments.Has("party")) arguments.Party = check.Party(Name, arguments.Text("party"), arguments.At("party")!);
    }

    /// <summary>Every <c>status</c> the platform sends: the call statuses, and <c>transcribed</c> of the transcription event.</summary>
    internal static readonly IReadOnlyList<string> Statuses =
    [
        CallStatus.Started, CallStatus.Ringing, CallStatus.Answered, CallStatus.Completed, CallStatus.Busy, CallStatus.Cancelled,
        CallStatus.Unanswered, CallStatus.Rejected, CallStatus.Failed, CallStatus.Timeout, CallStatus.Disconnected,
        CallStatus.Human, CallStatus.Machine, "transcribed",
    ];

    internal static FieldExpectation Expected(StepArguments arguments)
    {
        var members = new List<(string, FieldExpectation)>();
        if (arguments.Text("status") is { } status) members.Add(("status", new ScalarFieldExpectation(status)));
        if (arguments.Fields("fields") is ObjectFieldExpectation fields) members.AddRange(fields.Members);
        return new ObjectFieldExpectation(members);
    }

    public override string Describe(StepArguments arguments) => $"an event with {Expected(arguments).Describe("")}{WebhookWait.For(arguments.Party)}";

    public override Task RunAsync(StepArguments arguments, SourceLocation at, ScenarioContext context) =>
        WebhookWait.RunAsync(context, Describe(arguments), w => w.Request.Kind == WebhookKind.Event, Expected(arguments),
            arguments.Duration("within"), arguments.Party, at);
}
