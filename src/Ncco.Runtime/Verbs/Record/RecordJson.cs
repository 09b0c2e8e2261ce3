using System.Text.Json;
using Ncco.Model;
using Ncco.Model.Actions;
using Ncco.Rules;
using Ncco.Serialization;

namespace Ncco.Verbs;

/// <summary>The <c>record</c> wire format, and the <c>transcription</c> object that <c>conversation</c> shares.</summary>
internal static class RecordJson
{
    public static RecordAction Read(NccoNode a) => new()
    {
        Format = a.Is("format"u8, "mp3"u8) ? RecordingFormat.Mp3 : a.Is("format"u8, "wav"u8) ? RecordingFormat.Wav : a.Is("format"u8, "ogg"u8) ? RecordingFormat.Ogg : null,
        SplitConversation = a.Is("split"u8, "conversation"u8),
        Channels = a.Int("channels"u8),
        EndOnSilence = a.Int("endOnSilence"u8),
        EndOnKey = a.String("endOnKey"u8) is { Length: 1 } key ? key[0] : null,
        Timeout = a.Int("timeOut"u8),
        BeepStart = a.Bool("beepStart"u8) ?? false,
        LazyEventUrl = a.FirstUrl("eventUrl"u8),
        EventMethod = a.EventMethod(),
        Transcription = ReadTranscription(a),
    };

    public static void Write(Utf8JsonWriter w, RecordAction record)
    {
        if (record.Format is { } format) w.WriteString("format", format.ToString().ToLowerInvariant());
        if (record.SplitConversation) w.WriteString("split", "conversation");
        if (record.Channels is { } channels) w.WriteNumber("channels", channels);
        if (record.EndOnSilence is { } endOnSilence) w.WriteNumber("endOnSilence", endOnSilence);
        if (record.EndOnKey is { } endOnKey) w.WriteString("endOnKey", endOnKey.ToString());
        if (record.Timeout is { } timeOut) w.WriteNumber("timeOut", timeOut);
        if (record.BeepStart) w.WriteBoolean("beepStart", true);
        w.WriteEventUrl(record.EventUrl, record.EventMethod);
        WriteTranscription(w, record.Transcription);
    }

    /// <summary>The action's <c>transcription</c> object, or null.</summary>
    public static TranscriptionSettings? ReadTranscription(NccoNode action) => action.Object("transcription"u8) is { } t
        ? new TranscriptionSettings
        {
            Language = t.String("language"u8) is { } language ? AsrLanguages.Canonical(language) ?? language : TalkAction.DefaultLanguage,
            LazyEventUrl = t.FirstUrl("eventUrl"u8),
            EventMethod = t.EventMethod(),
            SentimentAnalysis = t.Bool("sentimentAnalysis"u8) ?? false,
        }
        : null;

    public static void WriteTranscription(Utf8JsonWriter w, TranscriptionSettings? transcription)
    {
        if (transcription is null) return;
        w.WriteStartObject("transcription");
        if (transcription.Language != TalkAction.DefaultLanguage) w.WriteString("language", transcription.Language);
        w.WriteEventUrl(transcription.EventUrl, transcription.EventMethod);
        if (transcription.SentimentAnalysis) w.WriteBoolean("sentimentAnalysis", true);
        w.WriteEndObject();
    }
}
