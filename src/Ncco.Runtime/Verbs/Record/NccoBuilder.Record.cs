using Ncco.Model;
using Ncco.Model.Actions;

namespace Ncco;

public sealed partial class NccoBuilder
{
    /// <summary>
    /// Records the call. Give a stop condition (<paramref name="endOnSilence"/>, <paramref name="endOnKey"/>,
    /// <paramref name="timeout"/>) to wait for the recording; without one it runs in the background until the call ends.
    /// See <see cref="RecordAction"/> for each option.
    /// </summary>
    /// <param name="eventUrl">The recording-finished webhook; absent means the call's event URL.</param>
    /// <param name="endOnSilence">Stop after this many seconds of silence (3–10).</param>
    /// <param name="endOnKey">Stop when this key is pressed.</param>
    /// <param name="timeout">Stop after this many seconds (3–7200).</param>
    /// <param name="beepStart">Beep when recording starts.</param>
    /// <param name="format">The file format; absent means MP3, or WAV above two channels.</param>
    /// <param name="channels">Per-leg channels (1–32); more than one records each leg on its own (<c>split</c> is set for you).</param>
    /// <param name="splitConversation">Record each leg on its own channel.</param>
    /// <param name="transcription">Transcribe the recording.</param>
    /// <param name="eventMethod">The webhook's method.</param>
    public NccoBuilder Record(string? eventUrl = null, int? endOnSilence = null, char? endOnKey = null, int? timeout = null,
        bool beepStart = false, RecordingFormat? format = null, int? channels = null, bool splitConversation = false,
        TranscriptionSettings? transcription = null, WebhookMethod eventMethod = WebhookMethod.Post) =>
        Add(new RecordAction
        {
            EventUrl = ToUriOrNull(eventUrl, nameof(eventUrl)),
            EndOnSilence = endOnSilence,
            EndOnKey = endOnKey,
            Timeout = timeout,
            BeepStart = beepStart,
            Format = format,
            Channels = channels,
            SplitConversation = splitConversation || channels > 1,
            EventMethod = eventMethod,
            Transcription = transcription,
        });
}
