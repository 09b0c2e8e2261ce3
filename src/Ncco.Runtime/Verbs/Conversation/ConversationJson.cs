using System.Text.Json;
using Ncco.Model.Actions;
using Ncco.Serialization;

namespace Ncco.Verbs;

/// <summary>The <c>conversation</c> wire format (<c>transcription</c> as <c>record</c> writes it).</summary>
internal static class ConversationJson
{
    public static ConversationAction Read(NccoNode a) => new(a.GetProperty("name"u8).GetString()!)
    {
        LazyMusicOnHoldUrl = a.FirstUrl("musicOnHoldUrl"u8),
        StartOnEnter = a.Bool("startOnEnter"u8) ?? true,
        EndOnExit = a.Bool("endOnExit"u8) ?? false,
        Record = a.Bool("record"u8) ?? false,
        CanSpeak = a.Strings("canSpeak"u8),
        CanHear = a.Strings("canHear"u8),
        Mute = a.Bool("mute"u8) ?? false,
        LazyEventUrl = a.FirstUrl("eventUrl"u8),
        EventMethod = a.EventMethod(),
        Transcription = RecordJson.ReadTranscription(a),
    };

    public static void Write(Utf8JsonWriter w, ConversationAction conversation)
    {
        w.WriteString("name", conversation.ConversationName);
        if (conversation.MusicOnHoldUrl is { } musicOnHold) w.WriteUrlArray("musicOnHoldUrl", musicOnHold);
        if (!conversation.StartOnEnter) w.WriteBoolean("startOnEnter", false);
        if (conversation.EndOnExit) w.WriteBoolean("endOnExit", true);
        if (conversation.Record) w.WriteBoolean("record", true);
        if (conversation.CanSpeak is { } canSpeak) w.WriteStrings("canSpeak", canSpeak);
        if (conversation.CanHear is { } canHear) w.WriteStrings("canHear", canHear);
        if (conversation.Mute) w.WriteBoolean("mute", true);
        w.WriteEventUrl(conversation.EventUrl, conversation.EventMethod);
        RecordJson.WriteTranscription(w, conversation.Transcription);
    }
}
