using System.Runtime.CompilerServices;
using System.Text;
using Ncco.Testing.Time;

namespace Ncco.Testing;

// Webhook assertions: auto-waiting, typed, each with a negated form on Not.
public sealed partial class VoiceSimulator
{
    private readonly WebhookClaims _claims = new();

    /// <summary>
    /// Waits until the app has received (and answered) a webhook to <paramref name="path"/> — any webhook when
    /// null — for which <paramref name="where"/> holds, and returns it. Each webhook satisfies one simulator-level
    /// assertion: asserting twice waits for a second one. Fails with the webhooks that did arrive when it cannot
    /// come true any more or the virtual <paramref name="within"/> (default <see cref="SimulatorOptions.DefaultTimeout"/>) passes.
    /// </summary>
    /// <example><c>var rx = await sim.WebhookAsync("/rx", w => w.Field("rx") == "123456");</c></example>
    public Expectation<ReceivedWebhook> WebhookAsync(string? path = null, Func<ReceivedWebhook, bool>? where = null, TimeSpan? within = null,
        [CallerArgumentExpression(nameof(where))] string whereText = "", [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        var what = "a webhook" + (path is null ? "" : " to " + path) + Where(where, whereText);
        return ExpectWebhook("app", what, w => (path is null || PathIs(w, path)) && (where?.Invoke(w) ?? true), _claims, null, within, file, line);
    }

    /// <summary>Negated forms of the simulator's assertions: <c>await sim.Not.WebhookAsync("/alerts")</c>.</summary>
    public NotSimulator Not => new(this);

    internal static bool PathIs(ReceivedWebhook w, string path) =>
        string.Equals(w.Path.TrimEnd('/'), path.TrimEnd('/'), StringComparison.OrdinalIgnoreCase);

    internal static string Where(Delegate? where, string whereText) =>
        where is null ? "" : " where " + (string.IsNullOrWhiteSpace(whereText) ? "the condition holds" : whereText.Trim());

    /// <summary>
    /// A webhook assertion described by <paramref name="what"/> (the scenario runner's <c>expect_webhook</c> and
    /// <c>expect_event</c> without a party); <paramref name="explain"/> says why a webhook that arrived does not match.
    /// </summary>
    internal Expectation<ReceivedWebhook> ExpectWebhook(string what, Func<ReceivedWebhook, bool> match, TimeSpan? within,
        Func<ReceivedWebhook, string?>? explain, string file, int line) =>
        ExpectWebhook("app", what, match, _claims, null, within, file, line, explain);

    // The one implementation behind every positive webhook assertion. explain (optional) names, for a webhook that
    // arrived but did not match, what differs; it is shown under that webhook in the failure.
    internal Expectation<ReceivedWebhook> ExpectWebhook(string subject, string what, Func<ReceivedWebhook, bool> match, WebhookClaims claims,
        Func<bool>? gaveUp, TimeSpan? within, string file, int line, Func<ReceivedWebhook, string?>? explain = null) =>
        Step($"app receives {what}", async () =>
        {
            ReceivedWebhook? Find()
            {
                for (var i = 0; i < Recorder.Count; i++)
                {
                    var w = Recorder[i];
                    if (!claims.IsClaimed(w.Index) && match(w)) return w;
                }
                return null;
            }
            ReceivedWebhook? found = null;
            var outcome = await RunAsync(null, () => (found = Find()) is not null || (gaveUp?.Invoke() ?? false), within ?? Options.DefaultTimeout).ConfigureAwait(false);
            found ??= Find();
            if (found is not null && claims.Claim(found.Index)) return found;
            var why = gaveUp?.Invoke() == true ? "the call ended and nothing else is on its way" : Describe(outcome);
            throw Fail($"Expected the app to receive {what}, but {why} (waited until {Log.Relative(Now)}).\n{DescribeWebhooks(subject, claims, explain)}");
        }, file, line);

    internal Expectation RejectWebhook(string subject, string what, Func<ReceivedWebhook, bool> match, TimeSpan within, string file, int line) =>
        Step($"app does not receive {what}", async () =>
        {
            ReceivedWebhook? Find()
            {
                for (var i = 0; i < Recorder.Count; i++)
                {
                    if (match(Recorder[i])) return Recorder[i];
                }
                return null;
            }
            ReceivedWebhook? found = null;
            await RunForAsync(null, () => (found = Find()) is not null, within).ConfigureAwait(false);
            found ??= Find();
            if (found is not null) throw Fail($"Expected the app NOT to receive {what}{Window(within)}, but it did:\n  {found}");
        }, file, line);

    internal static string Window(TimeSpan within) => within > TimeSpan.Zero ? $" within {within.TotalSeconds:0.###} s" : "";

    private string DescribeWebhooks(string subject, WebhookClaims claims, Func<ReceivedWebhook, string?>? explain)
    {
        var all = Recorder.Snapshot();
        var relevant = subject == "app" ? all : all.Where(w => claims.Scope?.Invoke(w) ?? true).ToList();
        if (relevant.Count == 0) return subject == "app" ? "The app received no webhook." : $"The app received no webhook about {subject}.";
        var sb = new StringBuilder(subject == "app" ? "Webhooks the app received" : $"Webhooks about {subject}").AppendLine(" (✓ = already matched by an earlier assertion):");
        foreach (var w in relevant.TakeLast(30))
        {
            sb.Append(claims.IsClaimed(w.Index) ? "  ✓ " : "    ").AppendLine(w.ToString());
            if (!claims.IsClaimed(w.Index) && explain?.Invoke(w) is { Length: > 0 } why) sb.Append("        but ").AppendLine(why);
        }
        if (relevant.Count > 30) sb.Append("  (").Append(relevant.Count - 30).AppendLine(" earlier ones not shown)");
        return sb.ToString();
    }
}

/// <summary>Which webhooks earlier assertions of one scope (the simulator, or one party) already matched.</summary>
internal sealed class WebhookClaims(Func<ReceivedWebhook, bool>? scope = null)
{
    private readonly HashSet<int> _claimed = [];

    public Func<ReceivedWebhook, bool>? Scope { get; } = scope;

    public bool IsClaimed(int index)
    {
        lock (_claimed) return _claimed.Contains(index);
    }

    public bool Claim(int index)
    {
        lock (_claimed) return _claimed.Add(index);
    }
}

/// <summary>
/// The simulator's assertions negated (Playwright's <c>not</c>): each passes when the thing has not happened so far
/// and does not happen while virtual time runs on for <c>within</c> (default: no time passes, only what is runnable
/// now runs). It fails as soon as the thing happens, showing it.
/// </summary>
public readonly struct NotSimulator
{
    private readonly VoiceSimulator _sim;

    internal NotSimulator(VoiceSimulator sim) => _sim = sim;

    /// <summary>Passes when the app has received no webhook to <paramref name="path"/> (any, when null) matching <paramref name="where"/>.</summary>
    /// <example><c>await sim.Not.WebhookAsync("/alerts", within: TimeSpan.FromMinutes(1));</c></example>
    public Expectation WebhookAsync(string? path = null, Func<ReceivedWebhook, bool>? where = null, TimeSpan? within = null,
        [CallerArgumentExpression(nameof(where))] string whereText = "", [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        _sim.RejectWebhook("app", "a webhook" + (path is null ? "" : " to " + path) + VoiceSimulator.Where(where, whereText),
            w => (path is null || VoiceSimulator.PathIs(w, path)) && (where?.Invoke(w) ?? true), within ?? TimeSpan.Zero, file, line);
}
