using System.Runtime.CompilerServices;
using Ncco.Events;

namespace Ncco.Testing;

// Webhook assertions about one party's leg, and the negated forms (Not, DoesNotHearAsync).
public partial class VirtualCall
{
    private WebhookClaims? _claims;

    private WebhookClaims Claims => _claims ??= new WebhookClaims(IsMine);

    private bool IsMine(ReceivedWebhook w) => LegOrNull is { } leg && w.LegId == leg.Id;

    /// <summary>True once the leg ended and nothing more about it can arrive (no webhook in flight, nothing runnable).</summary>
    private bool Settled() => LegOrNull?.IsEnded == true && Simulator.Scheduler.InFlight == 0 && !Simulator.Scheduler.HasRunnableWork;

    /// <summary>
    /// Waits until the app has received the call status event <paramref name="status"/> (<c>started</c>,
    /// <c>ringing</c>, <c>answered</c>, <c>busy</c>, <c>completed</c>, …) for this party's leg, optionally also
    /// matching <paramref name="where"/>, and returns it.
    /// </summary>
    /// <example><c>var done = await call.ReceivedEventAsync("completed", w => w.Field("duration") != "0");</c></example>
    public Expectation<ReceivedWebhook> ReceivedEventAsync(string status, Func<ReceivedWebhook, bool>? where = null, TimeSpan? within = null,
        [CallerArgumentExpression(nameof(where))] string whereText = "", [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        ArgumentException.ThrowIfNullOrEmpty(status);
        return Expect($"event \"{status}\" for {Label}{VoiceSimulator.Where(where, whereText)}", w => IsStatus(w, status) && (where?.Invoke(w) ?? true), within, file, line);
    }

    /// <summary>
    /// Waits until the app has received an <c>input</c> result for this party (DTMF and/or speech) matching
    /// <paramref name="where"/>, and returns it: read <see cref="ReceivedWebhook.Digits"/> and <see cref="ReceivedWebhook.SpeechText"/>.
    /// </summary>
    /// <example><c>var result = await call.InputResultAsync(w => w.Digits == "1234");</c></example>
    public Expectation<ReceivedWebhook> InputResultAsync(Func<ReceivedWebhook, bool>? where = null, TimeSpan? within = null,
        [CallerArgumentExpression(nameof(where))] string whereText = "", [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Expect($"an input result for {Label}" + VoiceSimulator.Where(where, whereText), w => w.Payload is InputEvent && (where?.Invoke(w) ?? true), within, file, line);

    /// <summary>Waits until a <c>notify</c> action on this party's call has reached the app (read <see cref="ReceivedWebhook.NotifyPayload"/> or <c>Field("payload.name")</c>).</summary>
    /// <example><c>await call.NotifyAsync(w => w.Field("payload.step") == "verified");</c></example>
    public Expectation<ReceivedWebhook> NotifyAsync(Func<ReceivedWebhook, bool>? where = null, TimeSpan? within = null,
        [CallerArgumentExpression(nameof(where))] string whereText = "", [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Expect($"a notify from {Label}'s call" + VoiceSimulator.Where(where, whereText), w => w.Payload is NotifyEvent && (where?.Invoke(w) ?? true), within, file, line);

    /// <summary>Waits until the app has received a <c>record</c> event for this party's call (read <see cref="ReceivedWebhook.RecordingUrl"/>).</summary>
    /// <example><c>var rec = await call.RecordEventAsync(); Assert.Equal(7, Simulator.Recordings[0].Duration.TotalSeconds, 1);</c></example>
    public Expectation<ReceivedWebhook> RecordEventAsync(Func<ReceivedWebhook, bool>? where = null, TimeSpan? within = null,
        [CallerArgumentExpression(nameof(where))] string whereText = "", [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Expect($"a record event for {Label}'s call" + VoiceSimulator.Where(where, whereText), w => w.Payload is RecordEvent && (where?.Invoke(w) ?? true), within, file, line);

    /// <summary>Waits until the app has received a webhook about this party's leg to <paramref name="path"/> (any path when null) matching <paramref name="where"/>.</summary>
    /// <example><c>await call.WebhookAsync("/webhooks/menu", w => w.SpeechText == "sales");</c></example>
    public Expectation<ReceivedWebhook> WebhookAsync(string? path = null, Func<ReceivedWebhook, bool>? where = null, TimeSpan? within = null,
        [CallerArgumentExpression(nameof(where))] string whereText = "", [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Expect("a webhook" + (path is null ? "" : " to " + path) + $" about {Label}" + VoiceSimulator.Where(where, whereText),
            w => (path is null || VoiceSimulator.PathIs(w, path)) && (where?.Invoke(w) ?? true), within, file, line);

    /// <summary>
    /// Checks that this party hears nothing containing <paramref name="text"/> (case-insensitive) after what earlier
    /// hearing expectations matched, while virtual time runs on for <paramref name="within"/> (default: none, only
    /// what is runnable now). Fails as soon as it is heard.
    /// </summary>
    /// <example><c>await call.DoesNotHearAsync("Goodbye", within: TimeSpan.FromSeconds(30));</c></example>
    public Expectation DoesNotHearAsync(string text, TimeSpan? within = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        ArgumentNullException.ThrowIfNull(text);
        var window = within ?? TimeSpan.Zero;
        return Simulator.Step($"{Label} does not hear \"{text}\"", async () =>
        {
            var start = _cursor;
            HeardItem? Find()
            {
                var heard = Transport.Heard;
                for (var i = start; i < heard.Count; i++) if (Matches(heard[i], text)) return heard[i];
                return null;
            }
            HeardItem? hit = null;
            await Simulator.RunForAsync(null, () => (hit = Find()) is not null, window).ConfigureAwait(false);
            hit ??= Find();
            if (hit is not null)
                throw Simulator.Fail($"Expected {Label} NOT to hear \"{text}\"{VoiceSimulator.Window(window)}, but it did at {Simulator.Log.Relative(hit.At)}: {hit.Describe()}");
        }, file, line);
    }

    /// <summary>
    /// The negated assertions (Playwright's <c>not</c>): <c>await call.Not.ReceivedEventAsync("completed")</c>. Each passes
    /// when the thing has not happened so far and does not happen while virtual time runs on for <c>within</c>
    /// (default: no time passes); it fails as soon as it happens, showing it.
    /// </summary>
    public NotCall Not => new(this);

    private Expectation<ReceivedWebhook> Expect(string what, Func<ReceivedWebhook, bool> match, TimeSpan? within, string file, int line) =>
        Simulator.ExpectWebhook(Label, what, w => IsMine(w) && match(w), Claims, Settled, within, file, line);

    /// <summary>A webhook assertion about this party described by <paramref name="what"/> (the scenario runner's steps with <c>party:</c>).</summary>
    internal Expectation<ReceivedWebhook> ExpectWebhook(string what, Func<ReceivedWebhook, bool> match, TimeSpan? within,
        Func<ReceivedWebhook, string?>? explain, string file, int line) =>
        Simulator.ExpectWebhook(Label, what, w => IsMine(w) && match(w), Claims, Settled, within, file, line, explain);

    internal Expectation Reject(string what, Func<ReceivedWebhook, bool> match, TimeSpan? within, string file, int line) =>
        Simulator.RejectWebhook(Label, what, w => IsMine(w) && match(w), within ?? TimeSpan.Zero, file, line);

    internal static bool IsStatus(ReceivedWebhook w, string status) => string.Equals(w.Status, status, StringComparison.OrdinalIgnoreCase) && w.Payload is CallStatusEvent;
}

/// <summary>A party's assertions negated; see <see cref="VirtualCall.Not"/>.</summary>
public readonly struct NotCall
{
    private readonly VirtualCall _call;

    internal NotCall(VirtualCall call) => _call = call;

    /// <summary>Passes when this party does not hear <paramref name="text"/>; the same as <see cref="VirtualCall.DoesNotHearAsync"/>.</summary>
    public Expectation HearsAsync(string text, TimeSpan? within = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        _call.DoesNotHearAsync(text, within, file, line);

    /// <summary>Passes when the app receives no status event <paramref name="status"/> for this leg (matching <paramref name="where"/>).</summary>
    /// <example><c>await caller.Not.ReceivedEventAsync("completed", within: TimeSpan.FromSeconds(20));</c></example>
    public Expectation ReceivedEventAsync(string status, Func<ReceivedWebhook, bool>? where = null, TimeSpan? within = null,
        [CallerArgumentExpression(nameof(where))] string whereText = "", [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        _call.Reject($"event \"{status}\" for {_call.Label}{VoiceSimulator.Where(where, whereText)}", w => VirtualCall.IsStatus(w, status) && (where?.Invoke(w) ?? true), within, file, line);

    /// <summary>Passes when the app receives no input result for this party (matching <paramref name="where"/>).</summary>
    public Expectation InputResultAsync(Func<ReceivedWebhook, bool>? where = null, TimeSpan? within = null,
        [CallerArgumentExpression(nameof(where))] string whereText = "", [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        _call.Reject($"an input result for {_call.Label}" + VoiceSimulator.Where(where, whereText), w => w.Payload is InputEvent && (where?.Invoke(w) ?? true), within, file, line);

    /// <summary>Passes when no notify from this party's call reaches the app (matching <paramref name="where"/>).</summary>
    public Expectation NotifyAsync(Func<ReceivedWebhook, bool>? where = null, TimeSpan? within = null,
        [CallerArgumentExpression(nameof(where))] string whereText = "", [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        _call.Reject($"a notify from {_call.Label}'s call" + VoiceSimulator.Where(where, whereText), w => w.Payload is NotifyEvent && (where?.Invoke(w) ?? true), within, file, line);

    /// <summary>Passes when the app receives no record event for this party's call (matching <paramref name="where"/>).</summary>
    public Expectation RecordEventAsync(Func<ReceivedWebhook, bool>? where = null, TimeSpan? within = null,
        [CallerArgumentExpression(nameof(where))] string whereText = "", [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        _call.Reject($"a record event for {_call.Label}'s call" + VoiceSimulator.Where(where, whereText), w => w.Payload is RecordEvent && (where?.Invoke(w) ?? true), within, file, line);

    /// <summary>Passes when the app receives no webhook about this leg to <paramref name="path"/> (any, when null) matching <paramref name="where"/>.</summary>
    public Expectation WebhookAsync(string? path = null, Func<ReceivedWebhook, bool>? where = null, TimeSpan? within = null,
        [CallerArgumentExpression(nameof(where))] string whereText = "", [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        _call.Reject("a webhook" + (path is null ? "" : " to " + path) + $" about {_call.Label}" + VoiceSimulator.Where(where, whereText),
            w => (path is null || VoiceSimulator.PathIs(w, path)) && (where?.Invoke(w) ?? true), within, file, line);

    /// <summary>Passes when this party does not hear <paramref name="other"/> say <paramref name="text"/>; the same as <see cref="VirtualCall.DoesNotHearPartyAsync"/>.</summary>
    public Expectation HearsPartyAsync(VirtualCall other, string text, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        _call.DoesNotHearPartyAsync(other, text, file, line);
}
