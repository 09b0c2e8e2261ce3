using Ncco.Model;
using Ncco.Model.Actions;

namespace Ncco;

public sealed partial class NccoBuilder
{
    /// <summary>Joins (or creates) a named conversation. See <see cref="ConversationAction"/> for each option.</summary>
    /// <param name="name">The room; the same name is the same conversation within the application.</param>
    /// <param name="startOnEnter">This participant starts the conversation; false waits for a moderator.</param>
    /// <param name="endOnExit">The conversation ends when this leg leaves.</param>
    /// <param name="record">Record the conversation.</param>
    /// <param name="musicOnHoldUrl">Audio played until the conversation starts.</param>
    /// <param name="canSpeak">Legs that hear this participant; absent means all.</param>
    /// <param name="canHear">Legs this participant hears; absent means all.</param>
    /// <param name="mute">This participant is not heard (not with <paramref name="canSpeak"/>).</param>
    /// <param name="eventUrl">The recording webhook; absent means the call's event URL.</param>
    /// <param name="transcription">Transcribe the recording (with <paramref name="record"/>).</param>
    /// <param name="eventMethod">The webhook's method.</param>
    public NccoBuilder Conversation(string name, bool startOnEnter = true, bool endOnExit = false, bool record = false,
        string? musicOnHoldUrl = null, IEnumerable<string>? canSpeak = null, IEnumerable<string>? canHear = null, bool mute = false,
        string? eventUrl = null, TranscriptionSettings? transcription = null, WebhookMethod eventMethod = WebhookMethod.Post) =>
        Add(new ConversationAction(name)
        {
            StartOnEnter = startOnEnter,
            EndOnExit = endOnExit,
            Record = record,
            MusicOnHoldUrl = ToUriOrNull(musicOnHoldUrl, nameof(musicOnHoldUrl)),
            CanSpeak = ToListOrNull(canSpeak),
            CanHear = ToListOrNull(canHear),
            Mute = mute,
            EventUrl = ToUriOrNull(eventUrl, nameof(eventUrl)),
            EventMethod = eventMethod,
            Transcription = transcription,
        });
}
