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

    public static NccoAction ReadAction(JsonElement a) => a.GetProperty("action").GetString() switch
    {
        ActionNames.Talk => ReadTalk(a),
        ActionNames.Stream => new StreamAction(FirstUrl(a, "streamUrl")!)
        {
            BargeIn = Bool(a, "bargeIn") ?? false,
            Loop = Int(a, "loop") ?? TalkAction.DefaultLoop,
            Level = Number(a, "level") ?? 0,
        },
        ActionNames.Input => ReadInput(a),
        ActionNames.Record => new RecordAction
        {
            Format = String(a, "format") switch { "mp3" => RecordingFormat.Mp3, "wav" => RecordingFormat.Wav, "ogg" => RecordingFormat.Ogg, _ => null },
            SplitConversation = String(a, "split") == "conversation",
            Channels = Int(a, "channels"),
            EndOnSilence = Int(a, "endOnSilence"),
            EndOnKey = String(a, "endOnKey") is { Length: 1 } key ? key[0] : null,
            TimeOut = Int(a, "timeOut"),
            BeepStart = Bool(a, "beepStart") ?? false,
            EventUrl = FirstUrl(a, "eventUrl"),
            EventMethod = Method(a),
            Transcription = Object(a, "transcription") is { } t ? ReadTranscription(t) : null,
        },
        ActionNames.Conversation => new ConversationAction(a.GetProperty("name").GetString()!)
        {
            MusicOnHoldUrl = FirstUrl(a, "musicOnHoldUrl"),
            StartOnEnter = Bool(a, "startOnEnter") ?? true,
            EndOnExit = Bool(a, "endOnExit") ?? false,
            Record = Bool(a, "record") ?? false,
            CanSpeak = Strings(a, "canSpeak"),
            CanHear = Strings(a, "canHear"),
            Mute = Bool(a, "mute") ?? false,
            EventUrl = FirstUrl(a, "eventUrl"),
            EventMethod = Method(a),
            Transcription = Object(a, "transcription") is { } t ? ReadTranscription(t) : null,
        },
        ActionNames.Connect => ReadConnect(a),
        ActionNames.Notify => new NotifyAction(new JsonValue(a.GetProperty("payload")), FirstUrl(a, "eventUrl")!) { EventMethod = Method(a) },
        ActionNames.Wait => new WaitAction { Timeout = Number(a, "timeout") ?? WaitAction.DefaultTimeout },
        ActionNames.Transfer => new TransferAction((String(a, "conversationId") ?? String(a, "conversation_id"))!)
        {
            CanHear = Strings(a, "canHear"),
            CanSpeak = Strings(a, "canSpeak"),
            Mute = Bool(a, "mute") ?? false,
        },
        var custom => new CustomAction(custom!, new JsonValue(a)),
    };

    private static TalkAction ReadTalk(JsonElement a)
    {
        // voiceName is deprecated: it stands for a language and style, used only where those are not given.
        var language = String(a, "language");
        var style = Int(a, "style");
        if (String(a, "voiceName") is { } voiceName && Rules.LegacyVoiceNames.TryMap(voiceName, out var mappedLanguage, out var mappedStyle))
        {
            if (language is null)
            {
                language = mappedLanguage;
                style ??= mappedStyle;
            }
        }
        return new TalkAction(a.GetProperty("text").GetString()!)
        {
            BargeIn = Bool(a, "bargeIn") ?? false,
            Loop = Int(a, "loop") ?? TalkAction.DefaultLoop,
            Level = Number(a, "level") ?? 0,
            Language = language is null ? TalkAction.DefaultLanguage : Rules.TtsLanguages.Canonical(language) ?? language,
            Style = style ?? 0,
            Premium = Bool(a, "premium") ?? false,
            Provider = String(a, "provider"),
            ProviderOptions = Raw(a, "providerOptions"),
        };
    }

    private static InputAction ReadInput(JsonElement a)
    {
        var types = InputTypes.None;
        foreach (var type in a.GetProperty("type").EnumerateArray())
        {
            types |= type.ValueEquals("dtmf") ? InputTypes.Dtmf : InputTypes.Speech;
        }
        return new InputAction(types)
        {
            Dtmf = Object(a, "dtmf") is { } d
                ? new DtmfSettings
                {
                    TimeOut = Int(d, "timeOut") ?? DtmfSettings.DefaultTimeOut,
                    MaxDigits = Int(d, "maxDigits") ?? DtmfSettings.DefaultMaxDigits,
                    SubmitOnHash = Bool(d, "submitOnHash") ?? false,
                }
                : null,
            Speech = Object(a, "speech") is { } s
                ? new SpeechSettings
                {
                    Uuid = Strings(s, "uuid") is { Count: > 0 } uuid ? uuid[0] : null,
                    EndOnSilence = Number(s, "endOnSilence") ?? SpeechSettings.DefaultEndOnSilence,
                    Language = String(s, "language") is { } language ? Rules.AsrLanguages.Canonical(language) ?? language : TalkAction.DefaultLanguage,
                    Context = Strings(s, "context") ?? EquatableList<string>.Empty,
                    StartTimeout = Int(s, "startTimeout") ?? SpeechSettings.DefaultStartTimeout,
                    MaxDuration = Int(s, "maxDuration") ?? SpeechSettings.DefaultMaxDuration,
                    SaveAudio = Bool(s, "saveAudio") ?? false,
                    Sensitivity = Int(s, "sensitivity") ?? SpeechSettings.DefaultSensitivity,
                    Provider = String(s, "provider"),
                    ProviderOptions = Raw(s, "providerOptions"),
                }
                : null,
            EventUrl = FirstUrl(a, "eventUrl"),
            EventMethod = Method(a),
            Mode = String(a, "mode") == "asynchronous" ? InputMode.Asynchronous : InputMode.Synchronous,
        };
    }

    private static ConnectAction ReadConnect(JsonElement a)
    {
        var endpoint = ReadEndpoint(a.GetProperty("endpoint")[0]);
        var amd = Object(a, "advancedMachineDetection") ?? Object(a, "advanced_machine_detection");
        return new ConnectAction(endpoint)
        {
            From = String(a, "from"),
            RandomFromNumber = Bool(a, "randomFromNumber") ?? false,
            EventType = String(a, "eventType") == "synchronous" ? ConnectEventType.Synchronous : ConnectEventType.Asynchronous,
            Timeout = Int(a, "timeout") ?? ConnectAction.DefaultTimeout,
            Limit = Int(a, "limit") ?? ConnectAction.DefaultLimit,
            MachineDetection = Behavior(String(a, "machineDetection")),
            AdvancedMachineDetection = amd is { } m
                ? new AdvancedMachineDetection
                {
                    Behavior = Behavior(String(m, "behavior")) ?? MachineDetectionBehavior.Continue,
                    Mode = String(m, "mode") switch { "default" => MachineDetectionMode.Default, "detect_beep" => MachineDetectionMode.DetectBeep, _ => MachineDetectionMode.Detect },
                    BeepTimeout = Int(m, "beep_timeout"),
                }
                : null,
            EventUrl = FirstUrl(a, "eventUrl"),
            EventMethod = Method(a),
            RingbackTone = Url(a, "ringbackTone"),
        };
    }

    /// <summary>Reads a validated endpoint object (also used for REST <c>to</c>).</summary>
    public static CallEndpoint ReadEndpoint(JsonElement e) => e.GetProperty("type").GetString() switch
    {
        EndpointTypes.Phone => new PhoneEndpoint(e.GetProperty("number").GetString()!)
        {
            DtmfAnswer = String(e, "dtmfAnswer"),
            OnAnswer = Object(e, "onAnswer") is { } o ? new OnAnswer(Url(o, "url")!) { RingbackTone = Url(o, "ringbackTone") ?? Url(o, "ringback") } : null,
            Shaken = String(e, "shaken"),
        },
        EndpointTypes.App => new AppEndpoint(e.GetProperty("user").GetString()!),
        EndpointTypes.Vbc => new VbcEndpoint(e.GetProperty("extension").GetString()!),
        EndpointTypes.WebSocket => new WebSocketEndpoint(new Uri(e.GetProperty("uri").GetString()!), e.GetProperty("content-type").GetString()!)
        {
            Headers = Raw(e, "headers"),
            Authorization = Object(e, "authorization") is { } auth
                ? new WebSocketAuthorization(String(auth, "type") == "custom" ? WebSocketAuthorizationType.Custom : WebSocketAuthorizationType.Vonage, String(auth, "value"))
                : null,
        },
        _ => new SipEndpoint
        {
            Uri = String(e, "uri"),
            User = String(e, "user"),
            Domain = String(e, "domain"),
            Headers = Object(e, "headers") is { } headers
                ? EquatableList<KeyValuePair<string, string>>.Wrap(headers.EnumerateObject().Select(h => KeyValuePair.Create(h.Name, h.Value.GetString()!)).ToArray())
                : null,
            UserToUser = (Object(e, "standardHeaders") ?? Object(e, "standard_headers")) is { } standard ? String(standard, "User-to-User") : null,
        },
    };

    private static TranscriptionSettings ReadTranscription(JsonElement t) => new()
    {
        Language = String(t, "language") is { } language ? Rules.AsrLanguages.Canonical(language) ?? language : TalkAction.DefaultLanguage,
        EventUrl = FirstUrl(t, "eventUrl"),
        EventMethod = Method(t),
        SentimentAnalysis = Bool(t, "sentimentAnalysis") ?? false,
    };

    private static MachineDetectionBehavior? Behavior(string? value) => value switch
    {
        "continue" => MachineDetectionBehavior.Continue,
        "hangup" => MachineDetectionBehavior.Hangup,
        _ => null,
    };

    private static WebhookMethod Method(JsonElement e) => String(e, "eventMethod") == "GET" ? WebhookMethod.Get : WebhookMethod.Post;

    private static string? String(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static int? Int(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && JsonValues.TryGetInteger(v, out var i) ? checked((int)i) : null;

    private static double? Number(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && JsonValues.TryGetNumber(v, out var d) ? d : null;

    private static bool? Bool(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && JsonValues.TryGetBoolean(v, out var b) ? b : null;

    private static JsonElement? Object(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Object ? v : null;

    // JsonValue clones the element, so it outlives the parsed document.
    private static JsonValue? Raw(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) ? new JsonValue(v) : null;

    private static Uri? Url(JsonElement e, string name) => String(e, name) is { } url ? new Uri(url, UriKind.Absolute) : null;

    private static Uri? FirstUrl(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array && v.GetArrayLength() > 0 ? new Uri(v[0].GetString()!, UriKind.Absolute) : null;

    private static EquatableList<string>? Strings(JsonElement e, string name)
    {
        if (!e.TryGetProperty(name, out var v) || v.ValueKind != JsonValueKind.Array) return null;
        var items = new string[v.GetArrayLength()];
        var i = 0;
        foreach (var item in v.EnumerateArray()) items[i++] = item.GetString()!;
        return EquatableList<string>.Wrap(items);
    }
}
