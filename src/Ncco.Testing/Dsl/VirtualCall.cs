using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;
using Ncco.Calls;
using Ncco.Legs;
using Ncco.Diagnostics;
using Ncco.Testing.Reporting;
using Ncco.Testing.Time;

namespace Ncco.Testing;

/// <summary>
/// A party on a simulated call — the caller you dialled in with, or (as <see cref="VirtualParty"/>) someone the VM
/// dialled. Expectations auto-wait on virtual time; party actions happen at the current virtual time.
/// </summary>
public partial class VirtualCall
{
    private int _cursor;

    internal VirtualCall(VoiceSimulator simulator, CallLeg? leg, VirtualLeg transport, string label)
    {
        Simulator = simulator;
        LegOrNull = leg;
        Transport = transport;
        Label = label;
    }

    /// <summary>The simulator.</summary>
    public VoiceSimulator Simulator { get; }

    internal CallLeg? LegOrNull { get; set; }

    /// <summary>The VM's leg for this party.</summary>
    public CallLeg Leg => LegOrNull ?? throw new InvalidOperationException("The leg is not created yet.");

    /// <summary>The semantic media leg (what was heard).</summary>
    public VirtualLeg Transport { get; }

    /// <summary>Name in logs.</summary>
    public string Label { get; internal set; }

    /// <summary>Leg uuid.</summary>
    public string Uuid => Leg.Id;

    /// <summary>Current conversation uuid.</summary>
    public string ConversationUuid => Leg.Conversation.Id;

    /// <summary>Last status.</summary>
    public string Status => Leg.Status;

    /// <summary>True once the leg ended.</summary>
    public bool IsEnded => Leg.IsEnded;

    /// <summary>Everything played to this party.</summary>
    public IReadOnlyList<HeardItem> Heard => Transport.Heard;

    /// <summary>Webhook exchanges about this leg so far (answer, events, input results…); to assert on them, prefer the auto-waiting <see cref="ReceivedEventAsync"/> and friends.</summary>
    public IReadOnlyList<ReceivedWebhook> Events => Simulator.Webhooks.Where(IsMine).ToList();

    /// <summary>The call log lines of this leg as text.</summary>
    public string Transcript => Simulator.Log.RenderText(Uuid);

    private TimeSpan Within(TimeSpan? within) => within ?? Simulator.Options.DefaultTimeout;

    // ---- expectations ---------------------------------------------------------------------------------------

    /// <summary>
    /// Waits until this party has heard (fully, or until interrupted) something containing <paramref name="text"/>
    /// (case-insensitive; talk text, stream URL, or a kind with no text such as <c>beep</c>) after what earlier
    /// expectations matched.
    /// </summary>
    public Expectation HearsAsync(string text, TimeSpan? within = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Hears($"hear \"{text}\"", h => Matches(h, text), whole: true, within, file, line);

    private static bool Matches(HeardItem h, string text) =>
        h.Playback.Text?.Contains(text, StringComparison.OrdinalIgnoreCase) == true
        || h.Playback.Url?.ToString().Contains(text, StringComparison.OrdinalIgnoreCase) == true
        || (h.Playback.Text is null && h.Playback.Url is null && h.Playback.Kind.ToString().Equals(text, StringComparison.OrdinalIgnoreCase));

    /// <summary>Waits until this party has heard something matching <paramref name="pattern"/>.</summary>
    public Expectation HearsAsync(Regex pattern, TimeSpan? within = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Hears($"hear /{pattern}/", h => pattern.IsMatch(h.Playback.Text ?? h.Playback.Url?.ToString() ?? ""), whole: true, within, file, line);

    /// <summary>Waits until something containing <paramref name="text"/> <i>starts</i> playing (to barge in while it plays).</summary>
    public Expectation StartsHearingAsync(string text, TimeSpan? within = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Hears($"start hearing \"{text}\"", h => Matches(h, text), whole: false, within, file, line);

    /// <summary>Waits until this party hears <paramref name="other"/> say something containing <paramref name="text"/> in a conversation.</summary>
    public Expectation HearsPartyAsync(VirtualCall other, string text, TimeSpan? within = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Hears($"hear {other.Label} say \"{text}\"", h => h.Playback.Kind == PlaybackKind.ConversationAudio && h.Playback.SourceLegId == other.Uuid
            && h.Playback.Text?.Contains(text, StringComparison.OrdinalIgnoreCase) == true, whole: false, within, file, line);
    }

    /// <summary>Checks (after processing what is runnable now, without advancing time) that this party did not hear <paramref name="other"/> say <paramref name="text"/>.</summary>
    public Expectation DoesNotHearPartyAsync(VirtualCall other, string text, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Simulator.Step($"{Label} does not hear {other?.Label} say \"{text}\"", async () =>
        {
            ArgumentNullException.ThrowIfNull(other);
            await Simulator.RunAsync(null, () => false, TimeSpan.Zero).ConfigureAwait(false);
            var hit = Heard.FirstOrDefault(h => h.Playback.Kind == PlaybackKind.ConversationAudio && h.Playback.SourceLegId == other.Uuid
                && h.Playback.Text?.Contains(text, StringComparison.OrdinalIgnoreCase) == true);
            if (hit is not null) throw Simulator.Fail($"Expected {Label} NOT to hear {other.Label} say \"{text}\", but it did at {Simulator.Log.Relative(hit.At)}.");
        }, file, line);

    private Expectation Hears(string what, Func<HeardItem, bool> match, bool whole, TimeSpan? within, string file, int line) =>
        Simulator.Step($"{Label} {what}", async () =>
        {
            var start = _cursor;
            int Find()
            {
                var heard = Transport.Heard;
                for (var i = start; i < heard.Count; i++)
                {
                    var h = heard[i];
                    if (!match(h)) continue;
                    if (!whole || h.FinishedAt is not null || h.StoppedAt is not null || h.Playback.Loop == 0 || h.Playback.Kind == PlaybackKind.ConversationAudio) return i;
                }
                return -1;
            }
            var found = -1;
            Run? loop = null;
            var keys = new List<string>();
            bool Looping()
            {
                var limit = Simulator.Options.LoopLimit;
                if (limit == 0 || Simulator.Clock.ArmedTimers > 0) return false;
                var heard = Transport.Heard;
                if (heard.Count - start == keys.Count) return false;
                for (var i = start + keys.Count; i < heard.Count; i++) keys.Add(heard[i].Describe());
                loop = Repeats.TrailingCycle(keys, 0, limit);
                return loop is not null;
            }
            var outcome = await Simulator.RunAsync(null, () => (found = Find()) >= 0 || (LegOrNull?.IsEnded ?? false) || Looping(), Within(within)).ConfigureAwait(false);
            found = Find();
            if (found >= 0)
            {
                _cursor = found + 1;
                return;
            }
            var why = LegOrNull?.IsEnded == true ? $"the call ended at {Simulator.Log.Relative(Leg.EndedAt!.Value)}{EndedAfterError()}"
                : loop is { } l ? $"the app is looping: the same {(l.Length == 1 ? "prompt" : l.Length + " prompts")} played {l.Times} times in a row with nothing else pending"
                  + " (SimulatorOptions.LoopLimit)"
                : VoiceSimulator.Describe(outcome);
            throw Simulator.Fail($"Expected {Label} to {what}, but {why} (waited until {Simulator.Log.Relative(Simulator.Now)}).\n{HeardSince(start)}");
        }, file, line);

    // The error that ended the call, if one did (an invalid NCCO, a webhook that gave none): it is the reason the prompt
    // never came, so it belongs in the failure's first line rather than only in the call log below it.
    private string EndedAfterError()
    {
        string? error = null;
        foreach (var entry in Simulator.Log.Entries)
        {
            if (entry.LegId != Leg.Id || entry.At > Leg.EndedAt) continue;
            if (entry.Activity == VmActivity.Error) error = entry.Text;
            else if (entry.Activity == VmActivity.Action) error = null;   // the call went on after it
        }
        return error is null ? "" : $" after an error: {error}";
    }

    private string HeardSince(int start)
    {
        var heard = Transport.Heard;
        if (start >= heard.Count) return (start == 0 ? "Actually heard nothing." : "Heard nothing new since the previous expectation.") + Earlier(start);
        var sb = new StringBuilder("Actually heard");
        sb.AppendLine(start == 0 ? ":" : " since the previous expectation:");
        var items = heard.Skip(start).ToList();
        foreach (var run in Repeats.Collapse(items.Select(h => h.Describe()).ToList()))
        {
            for (var k = 0; k < run.Length; k++)
            {
                var h = items[run.Start + k];
                sb.Append("  ").Append(Simulator.Log.Relative(h.At)).Append(' ').AppendLine(h.Describe());
            }
            if (run.Times > 1)
            {
                sb.Append("  … ").Append(run.Length == 1 ? "" : $"these {run.Length} ").Append('×').Append(run.Times.ToString(CultureInfo.InvariantCulture))
                    .Append(" in all, until ").AppendLine(Simulator.Log.Relative(items[run.Start + run.Count - 1].At));
            }
        }
        return sb.ToString();
    }

    private string Earlier(int start)
    {
        if (start == 0) return "";
        var keys = Transport.Heard.Take(start).Select(h => h.Describe()).ToList();
        return "\nEarlier: " + string.Join(" | ", Repeats.Collapse(keys).Select(r =>
            string.Join(" | ", keys.Skip(r.Start).Take(r.Length)) + (r.Times > 1 ? " ×" + r.Times.ToString(CultureInfo.InvariantCulture) : "")));
    }

    /// <summary>Waits until the leg has ended.</summary>
    public Expectation EndsAsync(TimeSpan? within = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Simulator.Step($"{Label} call ends", async () =>
        {
            var outcome = await Simulator.RunAsync(null, () => LegOrNull?.IsEnded == true, Within(within)).ConfigureAwait(false);
            if (LegOrNull?.IsEnded != true) throw Simulator.Fail($"Expected {Label}'s call to end, but it is still {LegOrNull?.Status} ({VoiceSimulator.Describe(outcome)}).");
            await Simulator.RunAsync(null, () => false, TimeSpan.Zero).ConfigureAwait(false);
        }, file, line);

    // ---- party actions --------------------------------------------------------------------------------------

    private Expectation Act(string what, Action action, string file, int line) =>
        Simulator.Step($"{Label} {what}", async () =>
        {
            if (LegOrNull?.IsEnded == true) throw Simulator.Fail($"{Label} {what}, but the call already ended at {Simulator.Log.Relative(Leg.EndedAt!.Value)}.");
            await Simulator.RunAsync(action, () => false, TimeSpan.Zero).ConfigureAwait(false);
        }, file, line);

    /// <summary>Presses keys (now, possibly while a prompt plays).</summary>
    public Expectation PressAsync(string digits, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Act($"presses {digits}", () => Transport.Press(digits), file, line);

    /// <summary>
    /// Says something, recognised as <paramref name="text"/> with <paramref name="confidence"/>. Speaking takes virtual
    /// time: the step returns when the utterance ends, <paramref name="duration"/> later (default
    /// <see cref="SimulatorOptions.SpeechDuration"/>: about 0.4 s a word) — what the app does meanwhile (barge-in,
    /// a timeout) happens during it.
    /// </summary>
    public Expectation SaysAsync(string text, double confidence = 0.9, TimeSpan? duration = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        ArgumentNullException.ThrowIfNull(text);
        var length = duration ?? Simulator.Options.SpeechDuration(text);
        return Sound($"says \"{text}\"", () => Transport.Say(text, confidence, length), length, file, line);
    }

    /// <summary>
    /// Makes non-speech sound (e.g. leaves a message on a recording) for <paramref name="duration"/> of virtual time;
    /// the step returns when the sound ends, so <c>SpeaksForAsync(7 s)</c> then <c>PressAsync("#")</c> records 7 s.
    /// </summary>
    public Expectation SpeaksForAsync(TimeSpan duration, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(duration, TimeSpan.Zero);
        return Sound($"speaks for {duration.TotalSeconds}s", () => Transport.MakeNoise(duration), duration, file, line);
    }

    /// <summary>Stays silent (makes no sound) for exactly <paramref name="duration"/> of virtual time, while the app goes on.</summary>
    public Expectation StaysSilentAsync(TimeSpan duration, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(duration, TimeSpan.Zero);
        return Simulator.Step($"{Label} stays silent {duration.TotalSeconds}s", () => Simulator.RunForAsync(null, null, duration), file, line);
    }

    private Expectation Sound(string what, Action start, TimeSpan duration, string file, int line) =>
        Simulator.Step($"{Label} {what}", async () =>
        {
            if (LegOrNull?.IsEnded == true) throw Simulator.Fail($"{Label} {what}, but the call already ended at {Simulator.Log.Relative(Leg.EndedAt!.Value)}.");
            // The party stops making sound when the call ends under it (the app hung up mid-sentence).
            await Simulator.RunForAsync(start, () => LegOrNull?.IsEnded == true, duration).ConfigureAwait(false);
        }, file, line);

    /// <summary>Hangs up.</summary>
    public Expectation HangUpAsync([CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Act("hangs up", () => Transport.HangUp(), file, line);

    /// <inheritdoc />
    public override string ToString() => $"{Label} ({LegOrNull?.Id})";
}

/// <summary>A party the VM dialled (connect or outbound call): decide how it answers.</summary>
public sealed class VirtualParty : VirtualCall
{
    internal VirtualParty(VoiceSimulator simulator, OutboundLegRequest request, VirtualLeg transport)
        : base(simulator, null, transport, "party") => Request = request;

    /// <summary>What the VM dialled.</summary>
    public OutboundLegRequest Request { get; }

    internal void Bind(CallLeg leg, string label)
    {
        LegOrNull = leg;
        Label = label;
    }

    private Expectation Respond(string what, Action action, string file, int line) =>
        Simulator.Step($"{Label} {what}", async () =>
        {
            if (Leg.IsEnded) throw Simulator.Fail($"{Label} {what}, but the leg already ended ({Leg.Status}) at {Simulator.Log.Relative(Leg.EndedAt!.Value)}.");
            await Simulator.RunAsync(action, () => false, TimeSpan.Zero).ConfigureAwait(false);
        }, file, line);

    /// <summary>Answers.</summary>
    public Expectation AnswerAsync([CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Respond("answers", Transport.AnswerCall, file, line);

    /// <summary>Is busy.</summary>
    public Expectation BusyAsync([CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Respond("is busy", Transport.RespondBusy, file, line);

    /// <summary>Does not answer / is unreachable.</summary>
    public Expectation NoAnswerAsync([CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Respond("does not answer", () => Transport.RespondUnanswered(), file, line);

    /// <summary>Rejects the call.</summary>
    public Expectation RejectAsync([CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Respond("rejects", () => Transport.Reject(), file, line);

    /// <summary>The call fails to connect.</summary>
    public Expectation FailAsync(string detail = "cannot_route", [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => Respond("fails", () => Transport.Fail(detail), file, line);

    /// <summary>An answering machine answers (AMD reports <c>machine</c>, with a beep by default).</summary>
    public Expectation AnswerAsMachineAsync(bool beep = true, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Respond("answers as a machine", () => Transport.AnswerAsMachine(beep), file, line);

    /// <summary>After a plain answer, AMD reports <c>machine</c> (with the beep heard at once when <paramref name="beep"/>).</summary>
    public Expectation DetectedAsMachineAsync(bool beep = false, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Respond("is detected as a machine", () => Transport.ReportMachineDetection(isMachine: true, beep), file, line);

    /// <summary>After a plain answer, AMD reports <c>human</c>.</summary>
    public Expectation DetectedAsHumanAsync([CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Respond("is detected as a human", () => Transport.ReportMachineDetection(isMachine: false), file, line);

    /// <summary>The answering machine, already detected, beeps (AMD reports the beep).</summary>
    public Expectation BeepsAsync([CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Respond("beeps", () => Transport.ReportMachineDetection(isMachine: true, beep: true), file, line);

    /// <summary>A person answers and AMD reports <c>human</c>.</summary>
    public Expectation AnswerAsHumanAsync([CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        Respond("answers (human)", Transport.AnswerAsHuman, file, line);
}
