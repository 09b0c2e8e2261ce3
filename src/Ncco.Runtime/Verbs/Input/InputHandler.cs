using System.Globalization;
using System.Text;
using Ncco.Calls;
using Ncco.Events;
using Ncco.Interpreter;
using Ncco.Model;
using Ncco.Model.Actions;

namespace Ncco.Handlers;

/// <summary>
/// <c>input</c>: collects DTMF and/or speech, posts the result, and runs the NCCO it answers with.
/// </summary>
/// <remarks>
/// Explicit rules:
/// <list type="bullet">
/// <item>Reaching an input clears the sticky barge-in flag. The first key press or speech stops all barge-in audio.</item>
/// <item>Timers (DTMF <c>timeOut</c>, speech <c>startTimeout</c>) start once barge-in audio has finished playing (or was interrupted).</item>
/// <item>DTMF completes on <c>maxDigits</c>, on <c>#</c> with <c>submitOnHash</c> (the <c>#</c> is not included), or <c>timeOut</c> seconds after the last key (<c>timed_out:true</c>).
/// With no key at all, DTMF-only input times out after <c>timeOut</c> with <c>digits:""</c>.</item>
/// <item>Speech completes <c>endOnSilence</c> after the utterance ends (<c>end_on_silence_timeout</c>), at <c>maxDuration</c> (<c>max_duration</c>),
/// or with no results after <c>startTimeout</c> (<c>start_timeout</c>).</item>
/// <item>With both types, whichever the party uses first wins; the other is ignored. With no input at all, the speech start timeout governs.
/// A key pressed after an utterance was recognised is ignored (speech came first). A key pressed while an utterance is still unfinished
/// (speech onset heard, no recognition result yet) counts as using DTMF first: the
/// utterance is dropped (the recogniser stops, a late result is ignored) and the input goes on as DTMF under the DTMF rules, so a
/// one-key menu completes at that key. Vonage documents no rule for this; a caller whose room noise or breath the VAD took for speech
/// must never find the keypad dead (before this rule keys were ignored until <c>maxDuration + endOnSilence + 10 s</c>).</item>
/// <item><c>mode:"asynchronous"</c> does not block: each digit is posted as its own input event until the leg ends.</item>
/// <item>With a media plane (<see cref="Legs.IMediaPlane"/>) speech is recognised from real audio: the plane listens while the input runs,
/// barge-in happens at speech onset, the plane's endpointer applies <c>endOnSilence</c>/<c>maxDuration</c>, so the result is posted as soon as
/// the utterance is reported (no extra wait). When the plane finds the utterance held no speech (noise or a breath the
/// recogniser made nothing of, or nothing at its minimum confidence; <see cref="Legs.ILegEventSink.SpeechAbandoned"/>),
/// the input goes on as if nothing had been said: keys still count, and with no speech by <c>startTimeout</c> after the
/// timers started it ends with <c>start_timeout</c> and no results, as Vonage reports an input where nothing was said. A deadline of <c>maxDuration + endOnSilence + 10 s</c> after onset guards against a recogniser
/// that never answers.</item>
/// <item><c>speech.uuid</c> recognises another live leg of the same conversation (keys still come from the input's own leg); a uuid that
/// names no such leg completes the input at once with <c>speech.error</c> naming the field.</item>
/// <item><c>saveAudio</c> on a media plane: the plane keeps the utterance (with a short lead-in) as a WAV file and the result's
/// <c>recording_url</c> downloads it; without a media plane the URL is a placeholder id.</item>
/// </list>
/// </remarks>
public sealed class InputHandler : IActionHandler
{
    private const double RecognizerGraceSeconds = 10;

    /// <inheritdoc />
    public async Task<ActionOutcome> ExecuteAsync(ActionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var input = (InputAction)context.Action;
        var leg = context.Leg;
        context.BargeInSticky = false;
        var target = context.Target(input.EventUrl, input.EventMethod);
        if (input.Mode == InputMode.Asynchronous)
        {
            leg.AsyncDtmfTarget = target;
            context.Log("asynchronous DTMF: each key is posted as an input event");
            return ActionOutcome.Next;
        }
        var dtmfOn = input.Type.HasFlag(InputTypes.Dtmf);
        var speechOn = input.Type.HasFlag(InputTypes.Speech);
        var dtmf = input.Dtmf ?? new DtmfSettings();
        var speech = input.Speech ?? new SpeechSettings();
        var scheduler = context.Scheduler;
        var media = context.Vm.Media;

        // speech.uuid names the leg whose audio is recognised (another party of the conversation); keys always come
        // from the input's own leg.
        var heard = leg;
        string? uuidError = null;
        if (speechOn && speech.Uuid is { } uuid && uuid != leg.Id)
        {
            if (context.Vm.FindLeg(uuid) is { IsEnded: false } other && other.Conversation == leg.Conversation) heard = other;
            else uuidError = $"speech.uuid: {uuid} is not a live leg of this conversation";
        }

        var done = new TaskCompletionSource<(DtmfResult Dtmf, SpeechResult Speech)>();
        IDisposable? listening = null;
        var digits = new StringBuilder();
        var speaking = false;
        var recognised = false; // the utterance's text is known (the simulator's parties): speech has won
        var timersStarted = false;
        var timersStartedAt = DateTimeOffset.MinValue;
        IDisposable? dtmfTimer = null, speechTimer = null;
        var emptyDtmf = new DtmfResult { Digits = null, TimedOut = false };
        var emptySpeech = new SpeechResult();

        void Finish(DtmfResult d, SpeechResult s) => done.TrySetResult((d, s));
        void ResetDtmfTimer()
        {
            dtmfTimer?.Dispose();
            dtmfTimer = scheduler.Schedule(TimeSpan.FromSeconds(dtmf.Timeout),
                () => Finish(new DtmfResult { Digits = digits.ToString(), TimedOut = true }, emptySpeech));
        }
        void StartTimers()
        {
            if (timersStarted || done.Task.IsCompleted) return;
            timersStarted = true;
            timersStartedAt = scheduler.UtcNow;
            if (digits.Length > 0 || speaking) return;
            if (speechOn)
            {
                speechTimer = scheduler.Schedule(TimeSpan.FromSeconds(speech.StartTimeout),
                    () => Finish(emptyDtmf, new SpeechResult { TimeoutReason = "start_timeout" }));
            }
            else if (dtmfOn)
            {
                ResetDtmfTimer();
            }
        }
        void OnDigit(char d)
        {
            if (!dtmfOn || done.Task.IsCompleted || recognised) return;
            if (speaking)
            {
                // An unfinished utterance loses to a key (see the rules above): stop recognising it.
                speaking = false;
                listening?.Dispose();
                listening = null;
                context.Log($"key {d} during an unfinished utterance: the input goes on as DTMF");
            }
            leg.BargeIn();
            timersStarted = true;
            speechTimer?.Dispose();
            if (dtmf.SubmitOnHash && d == '#')
            {
                Finish(new DtmfResult { Digits = digits.ToString(), TimedOut = false }, emptySpeech);
                return;
            }
            digits.Append(d);
            if (digits.Length >= dtmf.MaxDigits) Finish(new DtmfResult { Digits = digits.ToString(), TimedOut = false }, emptySpeech);
            else ResetDtmfTimer();
        }
        void OnSpeechStarted()
        {
            if (media is null || !speechOn || speaking || digits.Length > 0 || done.Task.IsCompleted) return;
            speaking = true;
            if (!timersStarted) timersStartedAt = scheduler.UtcNow;
            timersStarted = true;
            leg.BargeIn();
            speechTimer?.Dispose();
            dtmfTimer?.Dispose();
            speechTimer = scheduler.Schedule(TimeSpan.FromSeconds(speech.MaxDuration + speech.EndOnSilence + RecognizerGraceSeconds),
                () => Finish(emptyDtmf, new SpeechResult { TimeoutReason = "max_duration" }));
        }
        void OnSpeechAbandoned()
        {
            if (media is null || !speechOn || !speaking || digits.Length > 0 || done.Task.IsCompleted) return;
            // Nothing was said after all: the start timeout runs on from when it started.
            speaking = false;
            speechTimer?.Dispose();
            var left = TimeSpan.FromSeconds(speech.StartTimeout) - (scheduler.UtcNow - timersStartedAt);
            context.Log("the sound heard was not speech: still waiting for speech");
            speechTimer = scheduler.Schedule(left > TimeSpan.Zero ? left : TimeSpan.Zero,
                () => Finish(emptyDtmf, new SpeechResult { TimeoutReason = "start_timeout" }));
        }
        void OnSpeechFailed(string error)
        {
            // The recogniser could not give a result (failed, saturated, no decoder free in time): the input ends now with
            // the speech result's error, as Vonage reports a recognition failure, instead of waiting out its timers.
            if (media is null || !speechOn || digits.Length > 0 || done.Task.IsCompleted) return;
            context.Log($"speech recognition failed: {error}", VmActivity.Error);
            var reason = speaking ? "end_on_silence_timeout" : null;
            Finish(emptyDtmf, new SpeechResult { TimeoutReason = reason, Error = error });
        }
        void OnRecognised(Utterance u)
        {
            if (!speechOn || digits.Length > 0 || done.Task.IsCompleted) return;
            leg.BargeIn();
            var reason = u.Duration >= TimeSpan.FromSeconds(speech.MaxDuration) ? "max_duration" : "end_on_silence_timeout";
            if (string.IsNullOrWhiteSpace(u.Text))
            {
                Finish(emptyDtmf, new SpeechResult { TimeoutReason = reason });
                return;
            }
            var url = speech.SaveAudio && u.AudioFileId is { } file ? context.Vm.Application.FilesBaseUrl + file : null;
            var best = new SpeechHypothesis { Text = u.Text, Confidence = u.Confidence.ToString("0.0######", CultureInfo.InvariantCulture) };
            Finish(emptyDtmf, new SpeechResult { Results = [best], TimeoutReason = reason, RecordingUrl = url });
        }
        void OnSpeech(Utterance u)
        {
            if (media is not null)
            {
                OnRecognised(u);
                return;
            }
            if (!speechOn || speaking || digits.Length > 0 || done.Task.IsCompleted) return;
            speaking = true;
            recognised = true;
            timersStarted = true;
            leg.BargeIn();
            speechTimer?.Dispose();
            dtmfTimer?.Dispose();
            var audioUrl = speech.SaveAudio ? context.Vm.Application.FilesBaseUrl + context.Vm.Ids.NewId(Scheduling.IdKind.File) : null;
            var hypothesis = new SpeechHypothesis { Text = u.Text, Confidence = u.Confidence.ToString("0.0######", CultureInfo.InvariantCulture) };
            var max = TimeSpan.FromSeconds(speech.MaxDuration);
            if (u.Duration >= max)
                speechTimer = scheduler.Schedule(max, () => Finish(emptyDtmf, new SpeechResult { Results = [hypothesis], TimeoutReason = "max_duration", RecordingUrl = audioUrl }));
            else
                speechTimer = scheduler.Schedule(u.Duration + TimeSpan.FromSeconds(speech.EndOnSilence),
                    () => Finish(emptyDtmf, new SpeechResult { Results = [hypothesis], TimeoutReason = "end_on_silence_timeout", RecordingUrl = audioUrl }));
        }
        void OnDrained()
        {
            if (!leg.BargeInActive) StartTimers();
        }

        leg.DigitReceived += OnDigit;
        heard.SpeechReceived += OnSpeech;
        heard.SpeechStarting += OnSpeechStarted;
        heard.SpeechAbandoning += OnSpeechAbandoned;
        heard.SpeechFailing += OnSpeechFailed;
        leg.BargeInDrained += OnDrained;
        // The leg ending completes the wait rather than cancelling it: a hang-up during input is the normal end of a
        // call, and a cancelled task would throw (twice: here and in the interpreter) on every such call. The
        // interpreter sees the token and reports the action cancelled.
        using var reg = cancellationToken.Register(() => done.TrySetResult(default));
        if (uuidError is not null)
        {
            context.Log(uuidError, VmActivity.Error);
            Finish(emptyDtmf, new SpeechResult { Error = uuidError });
        }
        else if (speechOn && media is not null)
        {
            try
            {
                listening = media.StartListening(new Legs.MediaListenRequest(heard.Id, speech.Language, [.. speech.Context], speech.StartTimeout, speech.EndOnSilence, speech.MaxDuration, speech.Sensitivity)
                {
                    SaveAudio = speech.SaveAudio,
                    ConversationId = leg.Conversation.Id,
                });
            }
            catch (Exception e)
            {
                context.Log("media plane cannot recognise speech: " + e.Message, VmActivity.Error);
            }
        }
        (DtmfResult Dtmf, SpeechResult Speech) result;
        try
        {
            if (!leg.BargeInActive) StartTimers();
            result = await done.Task;
        }
        finally
        {
            leg.DigitReceived -= OnDigit;
            heard.SpeechReceived -= OnSpeech;
            heard.SpeechStarting -= OnSpeechStarted;
            heard.SpeechAbandoning -= OnSpeechAbandoned;
            heard.SpeechFailing -= OnSpeechFailed;
            leg.BargeInDrained -= OnDrained;
            listening?.Dispose();
            dtmfTimer?.Dispose();
            speechTimer?.Dispose();
        }
        if (cancellationToken.IsCancellationRequested) return ActionOutcome.Next;

        var payload = leg.InputEvent(result.Dtmf, result.Speech);
        context.Log(Describe(payload));
        var fetched = await leg.FetchNccoAsync(payload, target);
        return cancellationToken.IsCancellationRequested ? ActionOutcome.Next : context.OutcomeOf(fetched);
    }

    private static string Describe(InputEvent e)
    {
        if (e.Speech.Results.Count > 0) return $"input result: speech \"{e.Speech.Results[0].Text}\" ({e.Speech.TimeoutReason})";
        if (e.Speech.TimeoutReason is { } r) return "input result: no speech (" + r + ")";
        return $"input result: dtmf \"{e.Dtmf.Digits}\"" + (e.Dtmf.TimedOut ? " (timed out)" : "");
    }
}
