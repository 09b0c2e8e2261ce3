using System.Text.Json;
using Ncco.Model;
using Ncco.Model.Actions;
using Ncco.Model.Endpoints;

namespace Ncco.Serialization;

/// <summary>
/// Binds validated NCCO JSON to the typed model. Accepts every spelling the validator accepts (aliases, numbers
/// and booleans as strings); callers validate first (see <see cref="NccoParser"/>), so this never reports errors.
/// </summary>
internal static class NccoReader
{
    public static NccoDocument ReadDocument(JsonElement ncco)
    {
        var actions = new NccoAction[ncco.GetArrayLength()];
        var i = 0;
        foreach (var action in ncco.EnumerateArray()) actions[i++] = ReadAction(action);
        return new NccoDocument(EquatableList<NccoAction>.Wrap(actions));
    }

    public static NccoAction ReadAction(JsonElement a)
    {
        // Dispatch on the UTF-8 name: no string is allocated for the action name.
        var name = a.GetProperty("action"u8);
        if (name.ValueEquals("talk"u8)) return ReadTalk(a);
        if (name.ValueEquals("stream"u8)) return new StreamAction(FirstUrl(a, "streamUrl"u8)!)
        {
            BargeIn = Bool(a, "bargeIn"u8) ?? false,
            Loop = Int(a, "loop"u8) ?? TalkAction.DefaultLoop,
            Level = Number(a, "level"u8) ?? 0,
        };
        if (name.ValueEquals("input"u8)) return ReadInput(a);
        if (name.ValueEquals("record"u8)) return new RecordAction
        {
            Format = String(a, "format"u8) switch { "mp3" => RecordingFormat.Mp3, "wav" => RecordingFormat.Wav, "ogg" => RecordingFormat.Ogg, _ => null },
            SplitConversation = String(a, "split"u8) == "conversation",
            Channels = Int(a, "channels"u8),
            EndOnSilence = Int(a, "endOnSilence"u8),
            EndOnKey = String(a, "endOnKey"u8) is { Length: 1 } key ? key[0] : null,
            TimeOut = Int(a, "timeOut"u8),
            BeepStart = Bool(a, "beepStart"u8) ?? false,
            EventUrl = FirstUrl(a, "eventUrl"u8),
            EventMethod = Method(a),
            Transcription = Object(a, "transcription"u8) is { } t ? ReadTranscription(t) : null,
        };
        if (name.ValueEquals("conversation"u8)) return new ConversationAction(a.GetProperty("name"u8).GetString()!)
        {
            MusicOnHoldUrl = FirstUrl(a, "musicOnHoldUrl"u8),
            StartOnEnter = Bool(a, "startOnEnter"u8) ?? true,
            EndOnExit = Bool(a, "endOnExit"u8) ?? false,
            Record = Bool(a, "record"u8) ?? false,
            CanSpeak = Strings(a, "canSpeak"u8),
            CanHear = Strings(a, "canHear"u8),
            Mute = Bool(a, "mute"u8) ?? false,
            EventUrl = FirstUrl(a, "eventUrl"u8),
            EventMethod = Method(a),
            Transcription = Object(a, "transcription"u8) is { } t ? ReadTranscription(t) : null,
        };
        if (name.ValueEquals("connect"u8)) return ReadConnect(a);
        if (name.ValueEquals("notify"u8)) return new NotifyAction(new JsonValue(a.GetProperty("payload"u8)), FirstUrl(a, "eventUrl"u8)!) { EventMethod = Method(a) };
        if (name.ValueEquals("wait"u8)) return new WaitAction { Timeout = Number(a, "timeout"u8) ?? WaitAction.DefaultTimeout };
        if (name.ValueEquals("transfer"u8)) return new TransferAction((String(a, "conversationId"u8) ?? String(a, "conversation_id"u8))!)
        {
            CanHear = Strings(a, "canHear"u8),
            CanSpeak = Strings(a, "canSpeak"u8),
            Mute = Bool(a, "mute"u8) ?? false,
        };
        return new CustomAction(name.GetString()!, new JsonValue(a));
    }

    private static TalkAction ReadTalk(JsonElement a)
    {
        // voiceName is deprecated: it stands for a language and style, used only where those are not given.
        var language = String(a, "language"u8);
        var style = Int(a, "style"u8);
        if (String(a, "voiceName"u8) is { } voiceName && Rules.LegacyVoiceNames.TryMap(voiceName, out var mappedLanguage, out var mappedStyle))
        {
            if (language is null)
            {
                language = mappedLanguage;
                style ??= mappedStyle;
            }
        }
        return new TalkAction(a.GetProperty("text"u8).GetString()!)
        {
            BargeIn = Bool(a, "bargeIn"u8) ?? false,
            Loop = Int(a, "loop"u8) ?? TalkAction.DefaultLoop,
            Level = Number(a, "level"u8) ?? 0,
            Language = language is null ? TalkAction.DefaultLanguage : Rules.TtsLanguages.Canonical(language) ?? language,
            Style = style ?? 0,
            Premium = Bool(a, "premium"u8) ?? false,
            Provider = String(a, "provider"u8),
            ProviderOptions = Raw(a, "providerOptions"u8),
        };
    }

    private static InputAction ReadInput(JsonElement a)
    {
        var types = InputTypes.None;
        foreach (var type in a.GetProperty("type"u8).EnumerateArray())
        {
            types |= type.ValueEquals("dtmf"u8) ? InputTypes.Dtmf : InputTypes.Speech;
        }
        return new InputAction(types)
        {
            Dtmf = Object(a, "dtmf"u8) is { } d
                ? new DtmfSettings
                {
                    TimeOut = Int(d, "timeOut"u8) ?? DtmfSettings.DefaultTimeOut,
                    MaxDigits = Int(d, "maxDigits"u8) ?? DtmfSettings.DefaultMaxDigits,
                    SubmitOnHash = Bool(d, "submitOnHash"u8) ?? false,
                }
                : null,
            Speech = Object(a, "speech"u8) is { } s
                ? new SpeechSettings
                {
                    Uuid = Strings(s, "uuid"u8) is { Count: > 0 } uuid ? uuid[0] : null,
                    EndOnSilence = Number(s, "endOnSilence"u8) ?? SpeechSettings.DefaultEndOnSilence,
                    Language = String(s, "language"u8) is { } language ? Rules.AsrLanguages.Canonical(language) ?? language : TalkAction.DefaultLanguage,
                    Context = Strings(s, "context"u8) ?? EquatableList<string>.Empty,
                    StartTimeout = Int(s, "startTimeout"u8) ?? SpeechSettings.DefaultStartTimeout,
                    MaxDuration = Int(s, "maxDuration"u8) ?? SpeechSettings.DefaultMaxDuration,
                    SaveAudio = Bool(s, "saveAudio"u8) ?? false,
                    Sensitivity = Int(s, "sensitivity"u8) ?? SpeechSettings.DefaultSensitivity,
                    Provider = String(s, "provider"u8),
                    ProviderOptions = Raw(s, "providerOptions"u8),
                }
                : null,
            EventUrl = FirstUrl(a, "eventUrl"u8),
            EventMethod = Method(a),
            Mode = String(a, "mode"u8) == "asynchronous" ? InputMode.Asynchronous : InputMode.Synchronous,
        };
    }

    private static ConnectAction ReadConnect(JsonElement a)
    {
        var endpoint = ReadEndpoint(a.GetProperty("endpoint"u8)[0]);
        var amd = Object(a, "advancedMachineDetection"u8) ?? Object(a, "advanced_machine_detection"u8);
        return new ConnectAction(endpoint)
        {
            From = String(a, "from"u8),
            RandomFromNumber = Bool(a, "randomFromNumber"u8) ?? false,
            EventType = String(a, "eventType"u8) == "synchronous" ? ConnectEventType.Synchronous : ConnectEventType.Asynchronous,
            Timeout = Int(a, "timeout"u8) ?? ConnectAction.DefaultTimeout,
            Limit = Int(a, "limit"u8) ?? ConnectAction.DefaultLimit,
            MachineDetection = Behavior(String(a, "machineDetection"u8)),
            AdvancedMachineDetection = amd is { } m
                ? new AdvancedMachineDetection
                {
                    Behavior = Behavior(String(m, "behavior"u8)) ?? MachineDetectionBehavior.Continue,
                    Mode = String(m, "mode"u8) switch { "default" => MachineDetectionMode.Default, "detect_beep" => MachineDetectionMode.DetectBeep, _ => MachineDetectionMode.Detect },
                    BeepTimeout = Int(m, "beep_timeout"u8),
                }
                : null,
            EventUrl = FirstUrl(a, "eventUrl"u8),
            EventMethod = Method(a),
            RingbackTone = Url(a, "ringbackTone"u8),
        };
    }

    /// <summary>Reads a validated endpoint object (also used for REST <c>to</c>).</summary>
    public static CallEndpoint ReadEndpoint(JsonElement e) => e.GetProperty("type"u8).GetString() switch
    {
        EndpointTypes.Phone => new PhoneEndpoint(e.GetProperty("number"u8).GetString()!)
        {
            DtmfAnswer = String(e, "dtmfAnswer"u8),
            OnAnswer = Object(e, "onAnswer"u8) is { } o ? new OnAnswer(Url(o, "url"u8)!) { RingbackTone = Url(o, "ringbackTone"u8) ?? Url(o, "ringback"u8) } : null,
            Shaken = String(e, "shaken"u8),
        },
        EndpointTypes.App => new AppEndpoint(e.GetProperty("user"u8).GetString()!),
        EndpointTypes.Vbc => new VbcEndpoint(e.GetProperty("extension"u8).GetString()!),
        EndpointTypes.WebSocket => new WebSocketEndpoint(new Uri(e.GetProperty("uri"u8).GetString()!), (String(e, "content-type"u8) ?? String(e, "contentType"u8))!)
        {
            Headers = Raw(e, "headers"u8),
            Authorization = Object(e, "authorization"u8) is { } auth
                ? new WebSocketAuthorization(String(auth, "type"u8) == "custom" ? WebSocketAuthorizationType.Custom : WebSocketAuthorizationType.Vonage, String(auth, "value"u8))
                : null,
        },
        _ => new SipEndpoint
        {
            Uri = String(e, "uri"u8),
            User = String(e, "user"u8),
            Domain = String(e, "domain"u8),
            Headers = Object(e, "headers"u8) is { } headers
                ? EquatableList<KeyValuePair<string, string>>.Wrap(headers.EnumerateObject().Select(h => KeyValuePair.Create(h.Name, h.Value.GetString()!)).ToArray())
                : null,
            UserToUser = (Object(e, "standardHeaders"u8) ?? Object(e, "standard_headers"u8)) is { } standard ? String(standard, "User-to-User"u8) : null,
        },
    };

    private static TranscriptionSettings ReadTranscription(JsonElement t) => new()
    {
        Language = String(t, "language"u8) is { } language ? Rules.AsrLanguages.Canonical(language) ?? language : TalkAction.DefaultLanguage,
        EventUrl = FirstUrl(t, "eventUrl"u8),
        EventMethod = Method(t),
        SentimentAnalysis = Bool(t, "sentimentAnalysis"u8) ?? false,
    };

    private static MachineDetectionBehavior? Behavior(string? value) => value switch
    {
        "continue" => MachineDetectionBehavior.Continue,
        "hangup" => MachineDetectionBehavior.Hangup,
        _ => null,
    };

    private static WebhookMethod Method(JsonElement e) => String(e, "eventMethod"u8) == "GET" ? WebhookMethod.Get : WebhookMethod.Post;

    private static string? String(JsonElement e, ReadOnlySpan<byte> name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static int? Int(JsonElement e, ReadOnlySpan<byte> name) =>
        e.TryGetProperty(name, out var v) && JsonValues.TryGetInteger(v, out var i) ? checked((int)i) : null;

    private static double? Number(JsonElement e, ReadOnlySpan<byte> name) =>
        e.TryGetProperty(name, out var v) && JsonValues.TryGetNumber(v, out var d) ? d : null;

    private static bool? Bool(JsonElement e, ReadOnlySpan<byte> name) =>
        e.TryGetProperty(name, out var v) && JsonValues.TryGetBoolean(v, out var b) ? b : null;

    private static JsonElement? Object(JsonElement e, ReadOnlySpan<byte> name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Object ? v : null;

    // JsonValue clones the element, so it outlives the parsed document.
    private static JsonValue? Raw(JsonElement e, ReadOnlySpan<byte> name) =>
        e.TryGetProperty(name, out var v) ? new JsonValue(v) : null;

    private static Uri? Url(JsonElement e, ReadOnlySpan<byte> name) => String(e, name) is { } url ? new Uri(url, UriKind.Absolute) : null;

    private static Uri? FirstUrl(JsonElement e, ReadOnlySpan<byte> name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array && v.GetArrayLength() > 0 ? new Uri(v[0].GetString()!, UriKind.Absolute) : null;

    private static EquatableList<string>? Strings(JsonElement e, ReadOnlySpan<byte> name)
    {
        if (!e.TryGetProperty(name, out var v) || v.ValueKind != JsonValueKind.Array) return null;
        var items = new string[v.GetArrayLength()];
        var i = 0;
        foreach (var item in v.EnumerateArray()) items[i++] = item.GetString()!;
        return EquatableList<string>.Wrap(items);
    }
}
