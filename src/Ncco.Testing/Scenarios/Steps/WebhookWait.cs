namespace Ncco.Testing.Scenarios.Steps;

/// <summary>
/// <c>expect_event</c> and <c>expect_webhook</c> on the C# DSL's own webhook assertion (the one behind
/// <see cref="VoiceSimulator.WebhookAsync"/> and <see cref="VirtualCall.WebhookAsync"/>): the same auto-waiting, the
/// same rule that a webhook satisfies one assertion of its scope (the whole app, or one party), the same failure
/// message listing what arrived — with, under each webhook that did not match, the fields that differ.
/// </summary>
internal static class WebhookWait
{
    public static async Task RunAsync(ScenarioContext context, string what, Func<ReceivedWebhook, bool> isCandidate, FieldExpectation? fields,
        TimeSpan? within, string? party, SourceLocation at)
    {
        bool Matches(ReceivedWebhook w) => isCandidate(w) && (fields is null || fields.Matches(w.Json));
        string? Explain(ReceivedWebhook w) => fields is not null && isCandidate(w) ? string.Join(", ", fields.Mismatches(w.Json, "")) : null;
        if (party is null) await context.Simulator.ExpectWebhook(what, Matches, within, Explain, at.File, at.Line);
        else await context.Party(party).ExpectWebhook(what, Matches, within, Explain, at.File, at.Line);
    }

    /// <summary><c> for caller</c> when the step names a party, else nothing.</summary>
    public static string For(string? party) => party is null ? "" : " for " + party;
}
