using System.Text;
using System.Text.Json;
using Ncco.Diagnostics;

namespace Ncco.Testing.Scenarios.Steps;

/// <summary>
/// The auto-waiting webhook expectation behind <c>expect_event</c> and <c>expect_webhook</c>: virtual time runs until a
/// webhook the app was sent matches (one no earlier step matched), or nothing more can happen, or the wait is over.
/// </summary>
/// <remarks>
/// The C# DSL has no typed webhook assertion yet, so this is the scenario runner's own, on the simulator's run loop;
/// once the DSL has one (issue 14, "typed webhook assertions") these steps should map onto it like every other step.
/// </remarks>
internal static class WebhookWait
{
    private const int PayloadShown = 240;

    public static async Task RunAsync(ScenarioContext context, string what, Func<CallLogEntry, bool> isCandidate, FieldExpectation? fields, TimeSpan? within)
    {
        var sim = context.Simulator;
        bool Matches(CallLogEntry e) => e.IsWebhook && !context.Claimed.Contains(e) && isCandidate(e) && (fields is null || PayloadMatches(e, fields));
        CallLogEntry? Find() => sim.Log.Entries.FirstOrDefault(Matches);

        var outcome = await sim.RunAsync(null, () => Find() is not null, within ?? sim.Options.DefaultTimeout).ConfigureAwait(false);
        if (Find() is { } found)
        {
            context.Claimed.Add(found);
            return;
        }
        var candidates = sim.Log.Entries.Where(e => e.IsWebhook && isCandidate(e)).ToList();
        var sb = new StringBuilder($"Expected {what}, but none came ({VoiceSimulator.Describe(outcome)}; waited until {sim.Log.Relative(sim.Now)}).");
        if (candidates.Count == 0)
        {
            sb.Append("\nNo such webhook was sent at all.");
        }
        else
        {
            sb.Append("\nSent instead:");
            foreach (var e in candidates)
            {
                var payload = e.Request!.PayloadJson.Length > PayloadShown ? e.Request.PayloadJson[..PayloadShown] + "…" : e.Request.PayloadJson;
                sb.Append("\n  ").Append(sim.Log.Relative(e.At)).Append(' ').Append(e.Request.Method.ToString().ToUpperInvariant()).Append(' ')
                  .Append(e.Request.Uri.AbsolutePath).Append(' ').Append(payload).Append(context.Claimed.Contains(e) ? "  (matched by an earlier step)" : "");
                if (fields is not null && Mismatches(e, fields) is { Length: > 0 } differences) sb.Append("\n      but ").Append(differences);
            }
        }
        throw sim.Fail(sb.ToString());
    }

    private static string Mismatches(CallLogEntry e, FieldExpectation fields)
    {
        try
        {
            using var payload = JsonDocument.Parse(e.Request!.PayloadJson.Length == 0 ? "{}" : e.Request.PayloadJson);
            return string.Join(", ", fields.Mismatches(payload.RootElement, ""));
        }
        catch (JsonException)
        {
            return "the body is not JSON";
        }
    }

    private static bool PayloadMatches(CallLogEntry e, FieldExpectation fields)
    {
        try
        {
            using var payload = JsonDocument.Parse(e.Request!.PayloadJson.Length == 0 ? "{}" : e.Request.PayloadJson);
            return fields.Matches(payload.RootElement);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary><c> for caller</c> when the step names a party, else nothing.</summary>
    public static string For(string? party) => party is null ? "" : " for " + party;
}
