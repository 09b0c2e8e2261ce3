namespace Ncco.Rules;

/// <summary>
/// Every rule of the NCCO wire contract (reference §1), as data. The validator, the JSON Schema generator and
/// the analyzers all interpret this one table.
/// </summary>
internal static class NccoRuleTable
{
    private static readonly string[] Methods = ["GET", "POST"];
    private const string MethodDescription = "HTTP method of the webhook: GET or POST. Default POST.";

    /// <summary>The most characters of talk text outside SSML tags.</summary>
    public const int MaxTalkTextLength = 1500;

    /// <summary>The most bytes of a WebSocket endpoint's <c>headers</c>, serialized.</summary>
    public const int MaxWebSocketHeadersBytes = 512;

    /// <summary>Rules of the built-in actions, in reference order.</summary>
    public static IReadOnlyList<ObjectRule> Actions { get; } =
    [
        new("record", "Records the call. With a stop condition (endOnSilence, endOnKey, timeOut) the NCCO waits for it; without one it records in the background until the call ends.",
        [
            Discriminator("record"),
            new("format", ValueKind.String, "File format: mp3, wav or ogg. Default mp3 (wav when more than two channels).", allowedValues: ["mp3", "wav", "ogg"]),
            new("split", ValueKind.String, "Set to conversation to record each leg on its own channel.", allowedValues: ["conversation"]),
            new("channels", ValueKind.Integer, "Number of per-leg channels, 1 to 32. Requires split: conversation.", minimum: 1, maximum: 32),
            new("endOnSilence", ValueKind.Integer, "Stop after this many seconds of silence, 3 to 10.", minimum: 3, maximum: 10),
            new("endOnKey", ValueKind.String, "Stop when this key is pressed: 0-9, * or #.", allowedValues: ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "#"]),
            new("timeOut", ValueKind.Integer, "Maximum recording length in seconds, 3 to 7200.", minimum: 3, maximum: 7200, @default: "7200"),
            new("beepStart", ValueKind.Boolean, "Play a beep when recording starts. Default false.", @default: "false"),
            EventUrl("Webhook called when the recording is ready. Default: the call's event URL."),
            EventMethod(),
            new("transcription", ValueKind.Object, "Transcribe the recording; its presence enables transcription.", objectRef: "transcription"),
        ],
        [
            new(CrossFieldKind.Requires, "channels", "split", "channels needs split set to \"conversation\"", value: "conversation"),
        ]),

        new("conversation", "Joins the leg to a named conversation (a conference room scoped to the application).",
        [
            Discriminator("conversation"),
            new("name", ValueKind.String, "The conversation name; the same name joins the same conversation.", required: true, minLength: 1),
            UrlArray("musicOnHoldUrl", "Audio played to participants until the conversation starts (an array of one URL)."),
            new("startOnEnter", ValueKind.Boolean, "This participant starts the conversation. Default true; set false for attendees who wait for a moderator.", @default: "true"),
            new("endOnExit", ValueKind.Boolean, "End the conversation when this participant leaves. Default false.", @default: "false"),
            new("record", ValueKind.Boolean, "Record the conversation. Default false.", @default: "false"),
            LegList("canSpeak", "Leg UUIDs that can hear this participant. Absent: everyone; empty: nobody."),
            LegList("canHear", "Leg UUIDs this participant hears. Absent: everyone; empty: nobody."),
            new("mute", ValueKind.Boolean, "Do not mix or record this participant's audio. Default false. Not allowed with canSpeak.", @default: "false"),
            EventUrl("Webhook for the conversation's recording events. Default: the call's event URL."),
            EventMethod(),
            new("transcription", ValueKind.Object, "Transcribe the conversation recording. Requires record: true.", objectRef: "transcription"),
        ],
        [
            new(CrossFieldKind.Conflict, "mute", "canSpeak", "mute cannot be combined with canSpeak; use one or the other", value: "true"),
            new(CrossFieldKind.Requires, "transcription", "record", "transcription needs record set to true", value: "true"),
        ]),

        new("connect", "Calls an endpoint and bridges it into the current conversation. The NCCO continues when that leg ends or cannot be reached.",
        [
            Discriminator("connect"),
            new("endpoint", ValueKind.Array, "The one endpoint to connect to.", required: true, items: ValueKind.Object, objectRef: "endpoint", minLength: 1, maxLength: 1),
            new("from", ValueKind.String, "Caller id: one of your numbers, E.164 without +. Not allowed with randomFromNumber.", format: ValueFormat.E164),
            new("randomFromNumber", ValueKind.Boolean, "Use a random number linked to the application as caller id. Default false.", @default: "false"),
            new("eventType", ValueKind.String, "Set to synchronous so the event webhook can answer a failed connect with a replacement NCCO.", allowedValues: ["synchronous"]),
            new("timeout", ValueKind.Integer, "Seconds to ring before giving up, 3 to 7200. Default 60.", minimum: 3, maximum: 7200, @default: "60"),
            new("limit", ValueKind.Integer, "Maximum length of the connected call in seconds, 1 to 7200. Default 7200.", minimum: 1, maximum: 7200, @default: "7200"),
            new("machineDetection", ValueKind.String, "Standard answering-machine detection: continue or hangup.", allowedValues: ["continue", "hangup"]),
            new("advancedMachineDetection", ValueKind.Object, "Advanced answering-machine detection; overrides machineDetection.", aliases: ["advanced_machine_detection"], objectRef: "advancedMachineDetection"),
            EventUrl("Webhook for the new leg's events. Default: the call's event URL."),
            EventMethod(),
            new("ringbackTone", ValueKind.String, "URL of audio looped to the caller until the new leg answers.", format: ValueFormat.HttpUrl),
        ],
        [
            new(CrossFieldKind.Conflict, "randomFromNumber", "from", "randomFromNumber: true cannot be combined with from; use one or the other", value: "true"),
        ]),

        new("talk", "Speaks text with text-to-speech. Blocks unless bargeIn is true.",
        [
            Discriminator("talk"),
            new("text", ValueKind.String, "Plain text or SSML in <speak>; at most 1500 characters outside SSML tags.", required: true, format: ValueFormat.TalkText, minLength: 1),
            new("bargeIn", ValueKind.Boolean, "Let the caller interrupt: the NCCO moves on while the text plays, and the next action that is not talk must be input. Default false.", @default: "false"),
            new("loop", ValueKind.Integer, "How many times to play the text; 0 repeats until the call ends. Default 1.", minimum: 0, @default: "1"),
            new("level", ValueKind.Number, "Volume from -1 to 1. Default 0.", minimum: -1, maximum: 1, @default: "0"),
            new("language", ValueKind.String, "Language of the voice (BCP-47). Default en-US.", format: ValueFormat.TtsLanguage, @default: "en-US"),
            new("style", ValueKind.Integer, "Voice variant of the language. Default 0.", minimum: 0, @default: "0"),
            new("premium", ValueKind.Boolean, "Use the premium variant of the style where one exists. Default false.", @default: "false"),
            new("voiceName", ValueKind.String, "Deprecated voice name; use language and style.", format: ValueFormat.VoiceName),
            new("provider", ValueKind.String, "Third-party text-to-speech provider. Requires providerOptions.", minLength: 1),
            new("providerOptions", ValueKind.Object, "Options for the third-party provider."),
        ],
        [
            new(CrossFieldKind.TtsStyle, "language", "style", "this style does not exist for the language"),
            new(CrossFieldKind.Requires, "provider", "providerOptions", "provider needs providerOptions"),
        ]),

        new("stream", "Plays an audio file (MP3 or 16-bit WAV). Blocks unless bargeIn is true.",
        [
            Discriminator("stream"),
            UrlArray("streamUrl", "The audio file (an array of one URL).", required: true),
            new("level", ValueKind.Number, "Volume from -1 to 1. Default 0.", minimum: -1, maximum: 1, @default: "0"),
            new("bargeIn", ValueKind.Boolean, "Let the caller interrupt: the NCCO moves on while the audio plays, and the next action that is not stream must be input. Default false.", @default: "false"),
            new("loop", ValueKind.Integer, "How many times to play; 0 repeats until the call ends. Default 1.", minimum: 0, @default: "1"),
        ]),

        new("input", "Collects key presses and/or speech and sends the result to eventUrl; a returned NCCO replaces the rest of this one.",
        [
            Discriminator("input"),
            new("type", ValueKind.Array, "What to listen for: [\"dtmf\"], [\"speech\"] or both.", required: true, items: ValueKind.String, allowedValues: ["dtmf", "speech"], minLength: 1, maxLength: 2, uniqueItems: true),
            new("dtmf", ValueKind.Object, "DTMF settings; only with type dtmf.", objectRef: "dtmfSettings"),
            new("speech", ValueKind.Object, "Speech recognition settings; only with type speech.", objectRef: "speechSettings"),
            EventUrl("Webhook that receives the result. Default: the call's event URL."),
            EventMethod(),
            new("mode", ValueKind.String, "synchronous (one result, the default) or asynchronous (each digit posted as pressed; DTMF only, no dtmf settings).", allowedValues: ["synchronous", "asynchronous"], @default: "synchronous"),
        ],
        [
            new(CrossFieldKind.RequiresItem, "dtmf", "type", "dtmf settings need \"dtmf\" in type", value: "dtmf"),
            new(CrossFieldKind.RequiresItem, "speech", "type", "speech settings need \"speech\" in type", value: "speech"),
            new(CrossFieldKind.ForbiddenWhen, "mode", "dtmf", "asynchronous input does not take dtmf settings", value: "asynchronous"),
            new(CrossFieldKind.OnlyItemWhen, "mode", "type", "asynchronous input supports DTMF only: type must be [\"dtmf\"]", value: "asynchronous", item: "dtmf"),
        ]),

        new("notify", "Sends a payload to a webhook and waits; an NCCO in the response replaces the rest of this one.",
        [
            Discriminator("notify"),
            new("payload", ValueKind.Object, "A JSON object sent as payload.", required: true),
            UrlArray("eventUrl", "The webhook (an array of one URL).", required: true),
            EventMethod(),
        ]),

        new("wait", "Pauses the NCCO.",
        [
            Discriminator("wait"),
            new("timeout", ValueKind.Number, "Seconds to wait, 0.1 to 7200. Default 10.", minimum: 0.1, maximum: 7200, @default: "10"),
        ]),

        new("transfer", "Moves every leg of the current conversation into another existing conversation. Terminal.",
        [
            Discriminator("transfer"),
            new("conversationId", ValueKind.String, "The target conversation id (CON-…).", required: true, aliases: ["conversation_id"], minLength: 1),
            LegList("canHear", "Leg UUIDs the moved legs hear. Absent: everyone."),
            LegList("canSpeak", "Leg UUIDs that can hear the moved legs. Absent: everyone."),
            new("mute", ValueKind.Boolean, "Mute the moved legs. Not allowed with canSpeak.", @default: "false"),
        ],
        [
            new(CrossFieldKind.Conflict, "mute", "canSpeak", "mute cannot be combined with canSpeak; use one or the other", value: "true"),
        ]),
    ];

    /// <summary>Rules of the endpoint types (<c>endpoint.&lt;type&gt;</c>).</summary>
    public static IReadOnlyList<ObjectRule> Endpoints { get; } =
    [
        new("endpoint.phone", "A telephone number.",
        [
            EndpointType("phone"),
            new("number", ValueKind.String, "E.164 number without +, 7 to 15 digits.", required: true, format: ValueFormat.E164),
            new("dtmfAnswer", ValueKind.String, "Digits sent on answer: 0-9, *, #, and p for a 500 ms pause.", format: ValueFormat.DtmfDigits),
            new("onAnswer", ValueKind.Object, "An NCCO run on the answered leg before it joins.", objectRef: "onAnswer"),
            new("shaken", ValueKind.String, "A STIR/SHAKEN Identity header value.", minLength: 1),
        ]),
        new("endpoint.app", "A user of the application (Client SDK or browser phone).",
        [
            EndpointType("app"),
            new("user", ValueKind.String, "The user name.", required: true, minLength: 1),
        ]),
        new("endpoint.websocket", "An application WebSocket that exchanges raw call audio.",
        [
            EndpointType("websocket"),
            new("uri", ValueKind.String, "A ws:// or wss:// URI.", required: true, format: ValueFormat.WebSocketUri),
            new("content-type", ValueKind.String, "Audio format: audio/l16;rate=8000, 16000 or 24000.", required: true, aliases: ["contentType"], allowedValues: ["audio/l16;rate=8000", "audio/l16;rate=16000", "audio/l16;rate=24000"]),
            new("headers", ValueKind.Object, "Up to 512 bytes of JSON echoed in websocket:connected and in event payloads.", maxLength: MaxWebSocketHeadersBytes),
            new("authorization", ValueKind.Object, "How the runtime authenticates to the socket.", objectRef: "websocketAuthorization"),
        ]),
        new("endpoint.sip", "A SIP URI, or a user at a configured SIP trunk.",
        [
            EndpointType("sip"),
            new("uri", ValueKind.String, "A sip: or sips: URI.", format: ValueFormat.SipUri),
            new("user", ValueKind.String, "User part, combined with domain.", minLength: 1),
            new("domain", ValueKind.String, "The configured SIP trunk id, combined with user.", minLength: 1),
            new("headers", ValueKind.Object, "Headers sent as X-<name>: <value> on the INVITE.", stringValuesOnly: true),
            new("standardHeaders", ValueKind.Object, "Standard SIP headers; only User-to-User.", aliases: ["standard_headers"], objectRef: "sipStandardHeaders"),
        ],
        [
            new(CrossFieldKind.ExactlyOne, "uri", "user", "a sip endpoint needs either uri or user with domain"),
            new(CrossFieldKind.Requires, "user", "domain", "user needs domain"),
            new(CrossFieldKind.Requires, "domain", "user", "domain needs user"),
        ]),
        new("endpoint.vbc", "A Vonage Business Cloud extension.",
        [
            EndpointType("vbc"),
            new("extension", ValueKind.String, "The extension.", required: true, minLength: 1),
        ]),
    ];

    /// <summary>Rules of nested settings objects, by name.</summary>
    public static IReadOnlyList<ObjectRule> Settings { get; } =
    [
        new("dtmfSettings", "DTMF completion rules.",
        [
            new("timeOut", ValueKind.Integer, "Seconds of inactivity after the last key before submitting, 0 to 10. Default 3.", minimum: 0, maximum: 10, @default: "3"),
            new("maxDigits", ValueKind.Integer, "Submit when this many digits were pressed, 1 to 20. Default 4.", minimum: 1, maximum: 20, @default: "4"),
            new("submitOnHash", ValueKind.Boolean, "Submit when # is pressed. Default false.", @default: "false"),
        ]),
        new("speechSettings", "Speech recognition settings.",
        [
            new("uuid", ValueKind.Array, "The leg whose audio is recognised (an array of one leg UUID). Default: the first leg.", items: ValueKind.String, minLength: 1, maxLength: 1),
            new("endOnSilence", ValueKind.Number, "Seconds of silence that end the utterance, 0.4 to 10. Default 2.", minimum: 0.4, maximum: 10, @default: "2"),
            new("language", ValueKind.String, "Recognition language (BCP-47). Default en-US.", format: ValueFormat.AsrLanguage, @default: "en-US"),
            new("context", ValueKind.Array, "Hint phrases that improve recognition.", items: ValueKind.String),
            new("startTimeout", ValueKind.Integer, "Seconds to wait for speech to start, 1 to 60. Default 10.", minimum: 1, maximum: 60, @default: "10"),
            new("maxDuration", ValueKind.Integer, "Maximum utterance length in seconds, 1 to 60. Default 60.", minimum: 1, maximum: 60, @default: "60"),
            new("saveAudio", ValueKind.Boolean, "Include a recording_url of the utterance in the result. Default false.", @default: "false"),
            new("sensitivity", ValueKind.Integer, "Noise versus speech threshold, 10 to 100. Default 90.", minimum: 10, maximum: 100, @default: "90"),
            new("provider", ValueKind.String, "Third-party recognition provider. Requires providerOptions.", minLength: 1),
            new("providerOptions", ValueKind.Object, "Options for the third-party provider."),
        ],
        [
            new(CrossFieldKind.Requires, "provider", "providerOptions", "provider needs providerOptions"),
        ]),
        new("transcription", "Transcription of a recording.",
        [
            new("language", ValueKind.String, "Transcription language (BCP-47). Default en-US.", format: ValueFormat.AsrLanguage, @default: "en-US"),
            EventUrl("Webhook called when the transcription is ready. Default: the call's event URL."),
            EventMethod(),
            new("sentimentAnalysis", ValueKind.Boolean, "Add a sentiment score per segment. Default false.", @default: "false"),
        ]),
        new("advancedMachineDetection", "Advanced answering-machine detection (snake_case keys).",
        [
            new("behavior", ValueKind.String, "What to do when a machine answers: continue or hangup.", allowedValues: ["continue", "hangup"]),
            new("mode", ValueKind.String, "default (asynchronous), detect (synchronous, the default) or detect_beep (synchronous, waits for the beep).", allowedValues: ["default", "detect", "detect_beep"], @default: "detect"),
            new("beep_timeout", ValueKind.Integer, "Seconds to wait for the beep, 30 to 120 (SDKs enforce 45 to 120).", minimum: 30, maximum: 120),
        ]),
        new("onAnswer", "An NCCO run on the answered leg before it joins.",
        [
            new("url", ValueKind.String, "Where the callee's NCCO is fetched from.", required: true, format: ValueFormat.HttpUrl),
            new("ringbackTone", ValueKind.String, "Audio played to the caller meanwhile.", aliases: ["ringback"], format: ValueFormat.HttpUrl),
        ]),
        new("websocketAuthorization", "How the runtime authenticates to a WebSocket.",
        [
            new("type", ValueKind.String, "vonage (Bearer JWT, the default) or custom (value sent verbatim).", required: true, allowedValues: ["vonage", "custom"]),
            new("value", ValueKind.String, "The raw Authorization header value for custom; printable ASCII, fewer than 8192 characters.", format: ValueFormat.PrintableAscii, minLength: 1, maxLength: 8191),
        ],
        [
            new(CrossFieldKind.RequiredWhen, "type", "value", "custom authorization needs a value", value: "custom"),
        ]),
        new("sipStandardHeaders", "Standard SIP headers.",
        [
            new("User-to-User", ValueKind.String, "The RFC 7433 User-to-User header, at most 256 characters.", minLength: 1, maxLength: 256),
        ]),
    ];

    /// <summary><see cref="Actions"/> as an array, which the checker walks for every action without interface calls (never written to).</summary>
    internal static readonly ObjectRule[] ActionArray = [.. Actions];

    /// <summary><see cref="Endpoints"/> as an array (never written to).</summary>
    internal static readonly ObjectRule[] EndpointArray = [.. Endpoints];

    /// <summary>Every action name the platform defines.</summary>
    public static IReadOnlyList<string> ActionNames { get; } = BuildNames(Actions, string.Empty);

    /// <summary>Every endpoint type the platform defines.</summary>
    public static IReadOnlyList<string> EndpointTypeNames { get; } = BuildNames(Endpoints, "endpoint.");

    /// <summary>The rule of a built-in action, or null.</summary>
    public static ObjectRule? FindAction(string name) => Find(Actions, name);

    /// <summary>The rule of an endpoint type, or null.</summary>
    public static ObjectRule? FindEndpoint(string type) => Find(Endpoints, "endpoint." + type);

    /// <summary>The rule of a settings object, or null.</summary>
    public static ObjectRule? FindSettings(string name) => Find(Settings, name);

    private static ObjectRule? Find(IReadOnlyList<ObjectRule> rules, string name)
    {
        // Indexed, not foreach: enumerating an IReadOnlyList allocates an enumerator (this runs for every settings object checked).
        for (var i = 0; i < rules.Count; i++)
        {
            if (rules[i].Name == name) return rules[i];
        }
        return null;
    }

    private static string[] BuildNames(IReadOnlyList<ObjectRule> rules, string prefix)
    {
        var names = new string[rules.Count];
        for (var i = 0; i < names.Length; i++) names[i] = rules[i].Name.Substring(prefix.Length);
        return names;
    }

    private static PropertyRule Discriminator(string action) =>
        new("action", ValueKind.String, "The action name: " + action + ".", required: true, allowedValues: [action]);

    private static PropertyRule EndpointType(string type) =>
        new("type", ValueKind.String, "The endpoint type: " + type + ".", required: true, allowedValues: [type]);

    private static PropertyRule UrlArray(string name, string description, bool required = false) =>
        new(name, ValueKind.Array, description, required: required, items: ValueKind.String, format: ValueFormat.HttpUrl, minLength: 1, maxLength: 1);

    private static PropertyRule EventUrl(string description) => UrlArray("eventUrl", description + " An array of one URL.");

    private static PropertyRule EventMethod() =>
        new("eventMethod", ValueKind.String, MethodDescription, allowedValues: Methods, @default: "POST");

    private static PropertyRule LegList(string name, string description) =>
        new(name, ValueKind.Array, description, items: ValueKind.String, uniqueItems: true);
}
