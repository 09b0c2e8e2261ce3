using System.Text.Json;
using System.Text.Json.Serialization;

namespace Ncco.Events;

/// <summary>Base of every webhook payload the VM sends; serialized with the documented wire names.</summary>
[JsonPolymorphic]
public abstract record WebhookPayload
{
    /// <summary>Event time, ISO-8601 with milliseconds (<c>2020-01-01T12:00:00.000Z</c>).</summary>
    [JsonPropertyName("timestamp")] [JsonPropertyOrder(100)] public string? Timestamp { get; init; }
}

/// <summary>The answer webhook request (reference §2.2).</summary>
public sealed record AnswerRequest : WebhookPayload
{
    /// <summary>Number/user/URI called.</summary>
    [JsonPropertyName("to")] public required string To { get; init; }
    /// <summary>Caller number.</summary>
    [JsonPropertyName("from")] public string? From { get; init; }
    /// <summary>Client-SDK user who placed the call.</summary>
    [JsonPropertyName("from_user")] public string? FromUser { get; init; }
    /// <summary>Leg uuid.</summary>
    [JsonPropertyName("uuid")] public required string Uuid { get; init; }
    /// <summary>Conversation uuid (<c>CON-…</c>).</summary>
    [JsonPropertyName("conversation_uuid")] public required string ConversationUuid { get; init; }
    /// <summary>Base URL for REST control of this call.</summary>
    [JsonPropertyName("region_url")] public string? RegionUrl { get; init; }
    /// <summary><c>phone</c>, <c>sip</c>, <c>websocket</c>, <c>app</c> or <c>vbc</c>.</summary>
    [JsonPropertyName("endpoint_type")] public string? EndpointType { get; init; }
    /// <summary>Custom data from a Client SDK.</summary>
    [JsonPropertyName("custom_data")] public JsonElement? CustomData { get; init; }
    /// <summary><c>SipHeader_X-…</c> fields for inbound SIP.</summary>
    [JsonExtensionData] public Dictionary<string, JsonElement>? SipHeaders { get; init; }
}

/// <summary>A call status event (reference §2.3).</summary>
public sealed record CallStatusEvent : WebhookPayload
{
    /// <summary>Caller.</summary>
    [JsonPropertyName("from")] public string? From { get; init; }
    /// <summary>Callee.</summary>
    [JsonPropertyName("to")] public string? To { get; init; }
    /// <summary>Leg uuid (absent on human/machine events, which use <see cref="CallUuid"/>).</summary>
    [JsonPropertyName("uuid")] public string? Uuid { get; init; }
    /// <summary>Leg uuid on AMD events.</summary>
    [JsonPropertyName("call_uuid")] public string? CallUuid { get; init; }
    /// <summary>Conversation uuid.</summary>
    [JsonPropertyName("conversation_uuid")] public required string ConversationUuid { get; init; }
    /// <summary>One of <see cref="CallStatus"/>.</summary>
    [JsonPropertyName("status")] public required string Status { get; init; }
    /// <summary><c>inbound</c> or <c>outbound</c>.</summary>
    [JsonPropertyName("direction")] public required string Direction { get; init; }
    /// <summary>Answer/start time.</summary>
    [JsonPropertyName("start_time")] public string? StartTime { get; init; }
    /// <summary>End time (completed).</summary>
    [JsonPropertyName("end_time")] public string? EndTime { get; init; }
    /// <summary>Duration in seconds, as a string (completed).</summary>
    [JsonPropertyName("duration")] public string? Duration { get; init; }
    /// <summary>Rate EUR/min, string.</summary>
    [JsonPropertyName("rate")] public string? Rate { get; init; }
    /// <summary>Price EUR, string.</summary>
    [JsonPropertyName("price")] public string? Price { get; init; }
    /// <summary>Network code.</summary>
    [JsonPropertyName("network")] public string? Network { get; init; }
    /// <summary>SIP response code.</summary>
    [JsonPropertyName("sip_code")] public int? SipCode { get; init; }
    /// <summary>Failure detail (<c>invalid_number</c>, <c>declined</c>, <c>unavailable</c>…).</summary>
    [JsonPropertyName("detail")] public string? Detail { get; init; }
    /// <summary><c>platform</c> or <c>user</c> (completed).</summary>
    [JsonPropertyName("disconnected_by")] public string? DisconnectedBy { get; init; }
    /// <summary>AMD sub state: <c>beep_start</c> or <c>beep_timeout</c>.</summary>
    [JsonPropertyName("sub_state")] public string? SubState { get; init; }
    /// <summary>Websocket headers echo (disconnected).</summary>
    [JsonPropertyName("headers")] public JsonElement? Headers { get; init; }
}

/// <summary>DTMF part of an input result.</summary>
public sealed record DtmfResult
{
    /// <summary>Digits collected, or null.</summary>
    [JsonPropertyName("digits")] [JsonIgnore(Condition = JsonIgnoreCondition.Never)] public string? Digits { get; init; }
    /// <summary>True when the DTMF collection ended by timeout.</summary>
    [JsonPropertyName("timed_out")] public bool TimedOut { get; init; }
}

/// <summary>One speech recognition hypothesis.</summary>
public sealed record SpeechHypothesis
{
    /// <summary>Recognised text.</summary>
    [JsonPropertyName("text")] public required string Text { get; init; }
    /// <summary>Confidence 0–1 as a string (documented wire type).</summary>
    [JsonPropertyName("confidence")] public required string Confidence { get; init; }
}

/// <summary>Speech part of an input result.</summary>
public sealed record SpeechResult
{
    /// <summary>Hypotheses, best first.</summary>
    [JsonPropertyName("results")] public IReadOnlyList<SpeechHypothesis> Results { get; init; } = [];
    /// <summary><c>end_on_silence_timeout</c>, <c>max_duration</c> or <c>start_timeout</c>.</summary>
    [JsonPropertyName("timeout_reason")] public string? TimeoutReason { get; init; }
    /// <summary>Recognition error.</summary>
    [JsonPropertyName("error")] public string? Error { get; init; }
    /// <summary>Audio URL with <c>saveAudio</c>.</summary>
    [JsonPropertyName("recording_url")] public string? RecordingUrl { get; init; }
}

/// <summary>The input result event (reference §2.6). Also used for asynchronous DTMF (one digit per event).</summary>
/// <remarks>
/// No <c>status</c> member, as on Vonage: the .NET SDK's <c>EventBase.ParseEvent</c> reads any payload with a
/// <c>status</c> as a call status event and returns nothing for one it does not know, so an input, record or transfer
/// event with one would be lost to it; SDKs tell these events apart by their own fields (<c>dtmf</c>/<c>speech</c>,
/// <c>recording_url</c>, <c>conversation_uuid_from</c>).
/// </remarks>
public sealed record InputEvent : WebhookPayload
{
    /// <summary>Caller.</summary>
    [JsonPropertyName("from")] public string? From { get; init; }
    /// <summary>Callee.</summary>
    [JsonPropertyName("to")] public string? To { get; init; }
    /// <summary>Leg uuid.</summary>
    [JsonPropertyName("uuid")] public required string Uuid { get; init; }
    /// <summary>Conversation uuid.</summary>
    [JsonPropertyName("conversation_uuid")] public required string ConversationUuid { get; init; }
    /// <summary>DTMF result.</summary>
    [JsonPropertyName("dtmf")] public required DtmfResult Dtmf { get; init; }
    /// <summary>Speech result.</summary>
    [JsonPropertyName("speech")] public required SpeechResult Speech { get; init; }
}

/// <summary>The record event (reference §2.4).</summary>
/// <remarks>
/// No <c>status</c> member, as on Vonage: the .NET SDK's <c>EventBase.ParseEvent</c> reads any payload with a
/// <c>status</c> as a call status event and returns nothing for one it does not know, so an input, record or transfer
/// event with one would be lost to it; SDKs tell these events apart by their own fields (<c>dtmf</c>/<c>speech</c>,
/// <c>recording_url</c>, <c>conversation_uuid_from</c>).
/// </remarks>
public sealed record RecordEvent : WebhookPayload
{
    /// <summary>Recording start.</summary>
    [JsonPropertyName("start_time")] public required string StartTime { get; init; }
    /// <summary>Recording end.</summary>
    [JsonPropertyName("end_time")] public required string EndTime { get; init; }
    /// <summary>Download URL.</summary>
    [JsonPropertyName("recording_url")] public required string RecordingUrl { get; init; }
    /// <summary>Size in bytes.</summary>
    [JsonPropertyName("size")] public required long Size { get; init; }
    /// <summary>Recording uuid.</summary>
    [JsonPropertyName("recording_uuid")] public required string RecordingUuid { get; init; }
    /// <summary>Conversation uuid.</summary>
    [JsonPropertyName("conversation_uuid")] public required string ConversationUuid { get; init; }
}

/// <summary>The notify event (reference §2.7).</summary>
public sealed record NotifyEvent : WebhookPayload
{
    /// <summary>Conversation uuid.</summary>
    [JsonPropertyName("conversation_uuid")] public required string ConversationUuid { get; init; }
    /// <summary>Leg uuid.</summary>
    [JsonPropertyName("uuid")] public string? Uuid { get; init; }
    /// <summary>The action's payload, verbatim.</summary>
    [JsonPropertyName("payload")] public required JsonElement Payload { get; init; }
}

/// <summary>The transfer event (reference §2.8).</summary>
/// <remarks>
/// No <c>status</c> member, as on Vonage: the .NET SDK's <c>EventBase.ParseEvent</c> reads any payload with a
/// <c>status</c> as a call status event and returns nothing for one it does not know, so an input, record or transfer
/// event with one would be lost to it; SDKs tell these events apart by their own fields (<c>dtmf</c>/<c>speech</c>,
/// <c>recording_url</c>, <c>conversation_uuid_from</c>).
/// </remarks>
public sealed record TransferEvent : WebhookPayload
{
    /// <summary>Leg uuid.</summary>
    [JsonPropertyName("uuid")] public required string Uuid { get; init; }
    /// <summary>Conversation the leg left.</summary>
    [JsonPropertyName("conversation_uuid_from")] public required string ConversationUuidFrom { get; init; }
    /// <summary>Conversation the leg joined.</summary>
    [JsonPropertyName("conversation_uuid_to")] public required string ConversationUuidTo { get; init; }
}

/// <summary>The error event (reference §2.9).</summary>
public sealed record ErrorEvent : WebhookPayload
{
    /// <summary>What went wrong; for invalid NCCOs it names the JSON pointer and the reason.</summary>
    [JsonPropertyName("reason")] public required string Reason { get; init; }
    /// <summary>Conversation uuid.</summary>
    [JsonPropertyName("conversation_uuid")] public required string ConversationUuid { get; init; }
    /// <summary>Leg uuid (extension; helps correlate).</summary>
    [JsonPropertyName("uuid")] public string? Uuid { get; init; }
}

/// <summary>The transcription event (reference §2.5), sent when a record/conversation with <c>transcription</c> finished.</summary>
public sealed record TranscriptionEvent : WebhookPayload
{
    /// <summary>Conversation uuid.</summary>
    [JsonPropertyName("conversation_uuid")] public required string ConversationUuid { get; init; }
    /// <summary>Recording uuid.</summary>
    [JsonPropertyName("recording_uuid")] public required string RecordingUuid { get; init; }
    /// <summary><c>transcribed</c>, or <c>failed</c> (extension: the platform documents only success) with <see cref="Error"/>.</summary>
    [JsonPropertyName("status")] public string Status { get; init; } = "transcribed";
    /// <summary>Where the transcript JSON can be downloaded (absent when the transcription failed).</summary>
    [JsonPropertyName("transcription_url")] public string? TranscriptionUrl { get; init; }
    /// <summary>Why the transcription failed (extension), e.g. a language with no recognition model.</summary>
    [JsonPropertyName("error")] public string? Error { get; init; }
    /// <summary>Always <c>record</c>.</summary>
    [JsonPropertyName("type")] public string Type { get; init; } = "record";
}
