namespace Ncco.Rules;

/// <summary>The JSON shape a property must have.</summary>
internal enum ValueKind
{
    /// <summary>A JSON string.</summary>
    String,

    /// <summary>A whole number; a string of digits is accepted too (older SDKs send numbers as strings).</summary>
    Integer,

    /// <summary>A number; a numeric string is accepted too.</summary>
    Number,

    /// <summary><c>true</c>/<c>false</c>; the strings <c>"true"</c>/<c>"false"</c> are accepted too.</summary>
    Boolean,

    /// <summary>A JSON object described by another <see cref="ObjectRule"/> (or free-form when none is named).</summary>
    Object,

    /// <summary>A JSON array; see <see cref="PropertyRule.Items"/>.</summary>
    Array,
}

/// <summary>Extra syntax a string value must follow.</summary>
internal enum ValueFormat
{
    /// <summary>No constraint beyond the kind.</summary>
    None,

    /// <summary>An absolute <c>http://</c> or <c>https://</c> URL.</summary>
    HttpUrl,

    /// <summary>An absolute <c>ws://</c> or <c>wss://</c> URI.</summary>
    WebSocketUri,

    /// <summary>E.164 digits without <c>+</c>: 7–15 digits.</summary>
    E164,

    /// <summary>A <c>sip:</c> or <c>sips:</c> URI with a host.</summary>
    SipUri,

    /// <summary>DTMF digits to send: <c>0-9</c>, <c>*</c>, <c>#</c>, and <c>p</c> for a 500 ms pause.</summary>
    DtmfDigits,

    /// <summary>A text-to-speech language code (reference §5.1), case-insensitive.</summary>
    TtsLanguage,

    /// <summary>A speech-recognition language code (reference §5.3), case-insensitive.</summary>
    AsrLanguage,

    /// <summary>A legacy <c>voiceName</c> (reference §5.2).</summary>
    VoiceName,

    /// <summary>Talk text: at most 1500 characters, SSML tags not counted.</summary>
    TalkText,

    /// <summary>Printable ASCII (a raw HTTP header value).</summary>
    PrintableAscii,
}
