namespace Ncco.Host.Recordings;

/// <summary>What a stored file is.</summary>
public enum RecordingKind
{
    /// <summary>Audio of a <c>record</c> action or a recorded conversation.</summary>
    Recording,

    /// <summary>The caller's utterance kept for a speech <c>input</c> with <c>saveAudio</c>.</summary>
    SpeechAudio,

    /// <summary>The JSON transcript of a recording made with <c>transcription</c>.</summary>
    Transcription,
}
