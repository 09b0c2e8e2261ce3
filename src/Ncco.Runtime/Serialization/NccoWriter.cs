using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Ncco.Model;
using Ncco.Model.Actions;
using Ncco.Model.Endpoints;

namespace Ncco.Serialization;

/// <summary>
/// Writes the typed model as Vonage wire JSON: the current documented spelling of every key, URLs as one-element
/// arrays, and options equal to their documented default left out.
/// </summary>
public static class NccoWriter
{
    /// <summary>The NCCO as a JSON string.</summary>
    public static string Write(NccoDocument ncco, bool indented = false)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = indented }))
        {
            Write(writer, ncco);
        }
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>The NCCO as UTF-8 JSON bytes.</summary>
    public static byte[] WriteUtf8(NccoDocument ncco)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, ncco);
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Writes the NCCO array.</summary>
    public static void Write(Utf8JsonWriter writer, NccoDocument ncco)
    {
        writer.WriteStartArray();
        foreach (var action in ncco.Actions) WriteAction(writer, action);
        writer.WriteEndArray();
    }

    /// <summary>Writes one action object.</summary>
    public static void WriteAction(Utf8JsonWriter w, NccoAction action)
    {
        if (action is CustomAction custom)
        {
            custom.Json.WriteTo(w);
            return;
        }

        w.WriteStartObject();
        w.WriteString("action", action.Name);
        switch (action)
        {
            case TalkAction talk:
                w.WriteString("text", talk.Text);
                if (talk.BargeIn) w.WriteBoolean("bargeIn", true);
                if (talk.Loop != TalkAction.DefaultLoop) w.WriteNumber("loop", talk.Loop);
                if (talk.Level != 0) w.WriteNumber("level", talk.Level);
                if (talk.Language != TalkAction.DefaultLanguage) w.WriteString("language", talk.Language);
                if (talk.Style != 0) w.WriteNumber("style", talk.Style);
                if (talk.Premium) w.WriteBoolean("premium", true);
                if (talk.Provider is not null) w.WriteString("provider", talk.Provider);
                if (talk.ProviderOptions is { } providerOptions) Raw(w, "providerOptions", providerOptions);
                break;

            case StreamAction stream:
                UrlArray(w, "streamUrl", stream.StreamUrl);
                if (stream.BargeIn) w.WriteBoolean("bargeIn", true);
                if (stream.Loop != TalkAction.DefaultLoop) w.WriteNumber("loop", stream.Loop);
                if (stream.Level != 0) w.WriteNumber("level", stream.Level);
                break;

            case InputAction input:
                WriteInput(w, input);
                break;

            case RecordAction record:
                if (record.Format is { } format) w.WriteString("format", format.ToString().ToLowerInvariant());
                if (record.SplitConversation) w.WriteString("split", "conversation");
                if (record.Channels is { } channels) w.WriteNumber("channels", channels);
                if (record.EndOnSilence is { } endOnSilence) w.WriteNumber("endOnSilence", endOnSilence);
                if (record.EndOnKey is { } endOnKey) w.WriteString("endOnKey", endOnKey.ToString());
                if (record.TimeOut is { } timeOut) w.WriteNumber("timeOut", timeOut);
                if (record.BeepStart) w.WriteBoolean("beepStart", true);
                EventUrl(w, record.EventUrl, record.EventMethod);
                if (record.Transcription is { } recordTranscription) WriteTranscription(w, recordTranscription);
                break;

            case ConversationAction conversation:
                w.WriteString("name", conversation.ConversationName);
                if (conversation.MusicOnHoldUrl is { } musicOnHold) UrlArray(w, "musicOnHoldUrl", musicOnHold);
                if (!conversation.StartOnEnter) w.WriteBoolean("startOnEnter", false);
                if (conversation.EndOnExit) w.WriteBoolean("endOnExit", true);
                if (conversation.Record) w.WriteBoolean("record", true);
                if (conversation.CanSpeak is { } canSpeak) Strings(w, "canSpeak", canSpeak);
                if (conversation.CanHear is { } canHear) Strings(w, "canHear", canHear);
                if (conversation.Mute) w.WriteBoolean("mute", true);
                EventUrl(w, conversation.EventUrl, conversation.EventMethod);
                if (conversation.Transcription is { } transcription) WriteTranscription(w, transcription);
                break;

            case ConnectAction connect:
                WriteConnect(w, connect);
                break;

            case NotifyAction notify:
                Raw(w, "payload", notify.Payload);
                UrlArray(w, "eventUrl", notify.EventUrl);
                if (notify.EventMethod != WebhookMethod.Post) w.WriteString("eventMethod", "GET");
                break;

            case WaitAction wait:
                if (wait.Timeout != WaitAction.DefaultTimeout) w.WriteNumber("timeout", wait.Timeout);
                break;

            case TransferAction transfer:
                w.WriteString("conversationId", transfer.ConversationId);
                if (transfer.CanHear is { } transferCanHear) Strings(w, "canHear", transferCanHear);
                if (transfer.CanSpeak is { } transferCanSpeak) Strings(w, "canSpeak", transferCanSpeak);
                if (transfer.Mute) w.WriteBoolean("mute", true);
                break;

            default:
                throw new NotSupportedException($"No writer for action type {action.GetType().Name}; derive custom actions from {nameof(CustomAction)}.");
        }
        w.WriteEndObject();
    }

    /// <summary>Writes one endpoint object (NCCO <c>connect.endpoint[]</c> spelling).</summary>
    public static void WriteEndpoint(Utf8JsonWriter w, CallEndpoint endpoint)
    {
        w.WriteStartObject();
        w.WriteString("type", endpoint.Type);
        switch (endpoint)
        {
            case PhoneEndpoint phone:
                w.WriteString("number", phone.Number);
                if (phone.DtmfAnswer is not null) w.WriteString("dtmfAnswer", phone.DtmfAnswer);
                if (phone.OnAnswer is { } onAnswer)
                {
                    w.WriteStartObject("onAnswer");
                    w.WriteString("url", onAnswer.Url.OriginalString);
                    if (onAnswer.RingbackTone is { } ringback) w.WriteString("ringbackTone", ringback.OriginalString);
                    w.WriteEndObject();
                }
                if (phone.Shaken is not null) w.WriteString("shaken", phone.Shaken);
                break;
            case AppEndpoint app:
                w.WriteString("user", app.User);
                break;
            case VbcEndpoint vbc:
                w.WriteString("extension", vbc.Extension);
                break;
            case WebSocketEndpoint socket:
                w.WriteString("uri", socket.Uri.OriginalString);
                w.WriteString("content-type", socket.ContentType);
                if (socket.Headers is { } headers) Raw(w, "headers", headers);
                if (socket.Authorization is { } authorization)
                {
                    w.WriteStartObject("authorization");
                    w.WriteString("type", authorization.Type == WebSocketAuthorizationType.Custom ? "custom" : "vonage");
                    if (authorization.Value is not null) w.WriteString("value", authorization.Value);
                    w.WriteEndObject();
                }
                break;
            case SipEndpoint sip:
                if (sip.Uri is not null) w.WriteString("uri", sip.Uri);
                if (sip.User is not null) w.WriteString("user", sip.User);
                if (sip.Domain is not null) w.WriteString("domain", sip.Domain);
                if (sip.Headers is { } sipHeaders)
                {
                    w.WriteStartObject("headers");
                    foreach (var header in sipHeaders) w.WriteString(header.Key, header.Value);
                    w.WriteEndObject();
                }
                if (sip.UserToUser is not null)
                {
                    w.WriteStartObject("standardHeaders");
                    w.WriteString("User-to-User", sip.UserToUser);
                    w.WriteEndObject();
                }
                break;
        }
        w.WriteEndObject();
    }

    private static void WriteInput(Utf8JsonWriter w, InputAction input)
    {
        w.WriteStartArray("type");
        if (input.Type.HasFlag(InputTypes.Dtmf)) w.WriteStringValue("dtmf");
        if (input.Type.HasFlag(InputTypes.Speech)) w.WriteStringValue("speech");
        w.WriteEndArray();
        if (input.Dtmf is { } dtmf)
        {
            w.WriteStartObject("dtmf");
            if (dtmf.TimeOut != DtmfSettings.DefaultTimeOut) w.WriteNumber("timeOut", dtmf.TimeOut);
            if (dtmf.MaxDigits != DtmfSettings.DefaultMaxDigits) w.WriteNumber("maxDigits", dtmf.MaxDigits);
            if (dtmf.SubmitOnHash) w.WriteBoolean("submitOnHash", true);
            w.WriteEndObject();
        }
        if (input.Speech is { } speech)
        {
            w.WriteStartObject("speech");
            if (speech.Uuid is not null)
            {
                w.WriteStartArray("uuid");
                w.WriteStringValue(speech.Uuid);
                w.WriteEndArray();
            }
            if (speech.EndOnSilence != SpeechSettings.DefaultEndOnSilence) w.WriteNumber("endOnSilence", speech.EndOnSilence);
            if (speech.Language != TalkAction.DefaultLanguage) w.WriteString("language", speech.Language);
            if (speech.Context.Count > 0) Strings(w, "context", speech.Context);
            if (speech.StartTimeout != SpeechSettings.DefaultStartTimeout) w.WriteNumber("startTimeout", speech.StartTimeout);
            if (speech.MaxDuration != SpeechSettings.DefaultMaxDuration) w.WriteNumber("maxDuration", speech.MaxDuration);
            if (speech.SaveAudio) w.WriteBoolean("saveAudio", true);
            if (speech.Sensitivity != SpeechSettings.DefaultSensitivity) w.WriteNumber("sensitivity", speech.Sensitivity);
            if (speech.Provider is not null) w.WriteString("provider", speech.Provider);
            if (speech.ProviderOptions is { } options) Raw(w, "providerOptions", options);
            w.WriteEndObject();
        }
        EventUrl(w, input.EventUrl, input.EventMethod);
        if (input.Mode == InputMode.Asynchronous) w.WriteString("mode", "asynchronous");
    }

    private static void WriteConnect(Utf8JsonWriter w, ConnectAction connect)
    {
        w.WriteStartArray("endpoint");
        WriteEndpoint(w, connect.Endpoint);
        w.WriteEndArray();
        if (connect.From is not null) w.WriteString("from", connect.From);
        if (connect.RandomFromNumber) w.WriteBoolean("randomFromNumber", true);
        if (connect.EventType == ConnectEventType.Synchronous) w.WriteString("eventType", "synchronous");
        if (connect.Timeout != ConnectAction.DefaultTimeout) w.WriteNumber("timeout", connect.Timeout);
        if (connect.Limit != ConnectAction.DefaultLimit) w.WriteNumber("limit", connect.Limit);
        if (connect.MachineDetection is { } behavior) w.WriteString("machineDetection", Behavior(behavior));
        if (connect.AdvancedMachineDetection is { } amd)
        {
            w.WriteStartObject("advancedMachineDetection");
            w.WriteString("behavior", Behavior(amd.Behavior));
            w.WriteString("mode", amd.Mode switch { MachineDetectionMode.Default => "default", MachineDetectionMode.DetectBeep => "detect_beep", _ => "detect" });
            if (amd.BeepTimeout is { } beepTimeout) w.WriteNumber("beep_timeout", beepTimeout);
            w.WriteEndObject();
        }
        EventUrl(w, connect.EventUrl, connect.EventMethod);
        if (connect.RingbackTone is { } ringback) w.WriteString("ringbackTone", ringback.OriginalString);
    }

    private static void WriteTranscription(Utf8JsonWriter w, TranscriptionSettings transcription)
    {
        w.WriteStartObject("transcription");
        if (transcription.Language != TalkAction.DefaultLanguage) w.WriteString("language", transcription.Language);
        EventUrl(w, transcription.EventUrl, transcription.EventMethod);
        if (transcription.SentimentAnalysis) w.WriteBoolean("sentimentAnalysis", true);
        w.WriteEndObject();
    }

    private static string Behavior(MachineDetectionBehavior behavior) => behavior == MachineDetectionBehavior.Hangup ? "hangup" : "continue";

    private static void EventUrl(Utf8JsonWriter w, Uri? url, WebhookMethod method)
    {
        if (url is not null) UrlArray(w, "eventUrl", url);
        if (method != WebhookMethod.Post) w.WriteString("eventMethod", "GET");
    }

    private static void UrlArray(Utf8JsonWriter w, string name, Uri url)
    {
        w.WriteStartArray(name);
        w.WriteStringValue(url.OriginalString);
        w.WriteEndArray();
    }

    private static void Strings(Utf8JsonWriter w, string name, IEnumerable<string> items)
    {
        w.WriteStartArray(name);
        foreach (var item in items) w.WriteStringValue(item);
        w.WriteEndArray();
    }

    private static void Raw(Utf8JsonWriter w, string name, JsonElement value)
    {
        w.WritePropertyName(name);
        value.WriteTo(w);
    }

    internal static string Invariant(double value) => value.ToString(CultureInfo.InvariantCulture);
}
