using System.Text.Json;
using Ncco.Model;
using Ncco.Model.Actions;
using Ncco.Model.Endpoints;
using Ncco.Validation;

namespace Ncco;

/// <summary>
/// Builds an NCCO fluently. Options are named parameters with the platform's defaults, so what you leave out is
/// what Vonage would assume:
/// <code>
/// app.MapGet("/webhooks/answer", () => NccoBuilder.Create()
///     .Talk("Welcome to Acme. Press 1 for sales, 2 for support.", bargeIn: true)
///     .Input(InputTypes.Dtmf, maxDigits: 1, eventUrl: "https://example.com/webhooks/menu")
///     .Build());
/// </code>
/// <see cref="Build"/> validates the result and throws <see cref="NccoValidationException"/> listing every problem.
/// </summary>
public sealed class NccoBuilder
{
    private readonly List<NccoAction> _actions = [];

    private NccoBuilder()
    {
    }

    /// <summary>Starts an empty NCCO.</summary>
    public static NccoBuilder Create() => new();

    /// <summary>Adds any action, for example a custom one or a record built with <c>with</c>.</summary>
    public NccoBuilder Add(NccoAction action)
    {
        ArgumentNullException.ThrowIfNull(action);
        _actions.Add(action);
        return this;
    }

    /// <summary>Speaks text. See <see cref="TalkAction"/> for each option.</summary>
    public NccoBuilder Talk(string text, bool bargeIn = false, int loop = TalkAction.DefaultLoop, double level = 0,
        string language = TalkAction.DefaultLanguage, int style = 0, bool premium = false) =>
        Add(new TalkAction(text) { BargeIn = bargeIn, Loop = loop, Level = level, Language = language, Style = style, Premium = premium });

    /// <summary>Plays an audio file. See <see cref="StreamAction"/> for each option.</summary>
    public NccoBuilder Stream(string streamUrl, bool bargeIn = false, int loop = TalkAction.DefaultLoop, double level = 0) =>
        Add(new StreamAction(ToUri(streamUrl, nameof(streamUrl))) { BargeIn = bargeIn, Loop = loop, Level = level });

    /// <summary>
    /// Collects input. DTMF options apply when <paramref name="type"/> includes DTMF, speech options when it includes
    /// speech; leaving them at their defaults sends no settings object at all.
    /// </summary>
    public NccoBuilder Input(InputTypes type, string? eventUrl = null, WebhookMethod eventMethod = WebhookMethod.Post,
        int timeOut = DtmfSettings.DefaultTimeOut, int maxDigits = DtmfSettings.DefaultMaxDigits, bool submitOnHash = false,
        IEnumerable<string>? context = null, string speechLanguage = TalkAction.DefaultLanguage,
        double endOnSilence = SpeechSettings.DefaultEndOnSilence, int startTimeout = SpeechSettings.DefaultStartTimeout,
        int maxDuration = SpeechSettings.DefaultMaxDuration, bool saveAudio = false, int sensitivity = SpeechSettings.DefaultSensitivity,
        InputMode mode = InputMode.Synchronous, string? speechUuid = null)
    {
        var dtmf = new DtmfSettings { TimeOut = timeOut, MaxDigits = maxDigits, SubmitOnHash = submitOnHash };
        var speech = new SpeechSettings
        {
            Context = context is null ? EquatableList<string>.Empty : new EquatableList<string>(context),
            Language = speechLanguage,
            EndOnSilence = endOnSilence,
            StartTimeout = startTimeout,
            MaxDuration = maxDuration,
            SaveAudio = saveAudio,
            Sensitivity = sensitivity,
            Uuid = speechUuid,
        };
        return Add(new InputAction(type)
        {
            Dtmf = type.HasFlag(InputTypes.Dtmf) && dtmf != new DtmfSettings() ? dtmf : null,
            Speech = type.HasFlag(InputTypes.Speech) && speech != new SpeechSettings() ? speech : null,
            EventUrl = ToUriOrNull(eventUrl, nameof(eventUrl)),
            EventMethod = eventMethod,
            Mode = mode,
        });
    }

    /// <summary>
    /// Records the call. Give a stop condition (<paramref name="endOnSilence"/>, <paramref name="endOnKey"/>,
    /// <paramref name="timeOut"/>) to wait for the recording; without one it runs in the background.
    /// </summary>
    public NccoBuilder Record(string? eventUrl = null, int? endOnSilence = null, char? endOnKey = null, int? timeOut = null,
        bool beepStart = false, RecordingFormat? format = null, int? channels = null, bool splitConversation = false,
        WebhookMethod eventMethod = WebhookMethod.Post, TranscriptionSettings? transcription = null) =>
        Add(new RecordAction
        {
            EventUrl = ToUriOrNull(eventUrl, nameof(eventUrl)),
            EndOnSilence = endOnSilence,
            EndOnKey = endOnKey,
            TimeOut = timeOut,
            BeepStart = beepStart,
            Format = format,
            Channels = channels,
            SplitConversation = splitConversation || channels > 1,
            EventMethod = eventMethod,
            Transcription = transcription,
        });

    /// <summary>Joins a named conversation. See <see cref="ConversationAction"/> for each option.</summary>
    public NccoBuilder Conversation(string name, bool startOnEnter = true, bool endOnExit = false, bool record = false,
        string? musicOnHoldUrl = null, IEnumerable<string>? canSpeak = null, IEnumerable<string>? canHear = null, bool mute = false,
        string? eventUrl = null, WebhookMethod eventMethod = WebhookMethod.Post) =>
        Add(new ConversationAction(name)
        {
            StartOnEnter = startOnEnter,
            EndOnExit = endOnExit,
            Record = record,
            MusicOnHoldUrl = ToUriOrNull(musicOnHoldUrl, nameof(musicOnHoldUrl)),
            CanSpeak = canSpeak is null ? null : new EquatableList<string>(canSpeak),
            CanHear = canHear is null ? null : new EquatableList<string>(canHear),
            Mute = mute,
            EventUrl = ToUriOrNull(eventUrl, nameof(eventUrl)),
            EventMethod = eventMethod,
        });

    /// <summary>Connects an endpoint (see <see cref="CallEndpoint"/>'s factory methods). See <see cref="ConnectAction"/> for each option.</summary>
    public NccoBuilder Connect(CallEndpoint endpoint, string? from = null, bool randomFromNumber = false, int timeout = ConnectAction.DefaultTimeout,
        int limit = ConnectAction.DefaultLimit, string? eventUrl = null, WebhookMethod eventMethod = WebhookMethod.Post,
        bool synchronousEvents = false, MachineDetectionBehavior? machineDetection = null,
        AdvancedMachineDetection? advancedMachineDetection = null, string? ringbackTone = null) =>
        Add(new ConnectAction(endpoint)
        {
            From = from,
            RandomFromNumber = randomFromNumber,
            Timeout = timeout,
            Limit = limit,
            EventUrl = ToUriOrNull(eventUrl, nameof(eventUrl)),
            EventMethod = eventMethod,
            EventType = synchronousEvents ? ConnectEventType.Synchronous : ConnectEventType.Asynchronous,
            MachineDetection = machineDetection,
            AdvancedMachineDetection = advancedMachineDetection,
            RingbackTone = ToUriOrNull(ringbackTone, nameof(ringbackTone)),
        });

    /// <summary>Posts <paramref name="payload"/> (any object serialisable to a JSON object) and waits for the answer.</summary>
    public NccoBuilder Notify(object payload, string eventUrl, WebhookMethod eventMethod = WebhookMethod.Post) =>
        Add(new NotifyAction(payload is JsonElement element ? new JsonValue(element) : JsonValue.From(payload), ToUri(eventUrl, nameof(eventUrl)))
        {
            EventMethod = eventMethod,
        });

    /// <summary>Pauses for <paramref name="seconds"/> (0.1–7200).</summary>
    public NccoBuilder Wait(double seconds = WaitAction.DefaultTimeout) => Add(new WaitAction { Timeout = seconds });

    /// <summary>Moves all legs of this conversation into <paramref name="conversationId"/>. Terminal.</summary>
    public NccoBuilder Transfer(string conversationId, IEnumerable<string>? canHear = null, IEnumerable<string>? canSpeak = null, bool mute = false) =>
        Add(new TransferAction(conversationId)
        {
            CanHear = canHear is null ? null : new EquatableList<string>(canHear),
            CanSpeak = canSpeak is null ? null : new EquatableList<string>(canSpeak),
            Mute = mute,
        });

    /// <summary>
    /// Adds a custom action <c>{"action": name, …properties}</c> (see <see cref="CustomAction.Create"/>); the VM
    /// that runs the NCCO needs a handler registered under <paramref name="name"/>.
    /// </summary>
    public NccoBuilder Custom(string name, object? properties = null) => Add(CustomAction.Create(name, properties));

    /// <summary>
    /// Validates and returns the NCCO; throws <see cref="NccoValidationException"/> listing every problem. Custom
    /// actions added to this builder are accepted by name; <paramref name="options"/> adds to that.
    /// </summary>
    public NccoDocument Build(NccoValidationOptions? options = null)
    {
        var document = new NccoDocument(_actions);
        var errors = NccoValidator.Validate(document, WithCustomActions(options));
        return errors.Count == 0 ? document : throw new NccoValidationException(errors);
    }

    private NccoValidationOptions? WithCustomActions(NccoValidationOptions? options)
    {
        HashSet<string>? names = null;
        foreach (var action in _actions)
        {
            if (action is CustomAction custom) (names ??= new HashSet<string>(StringComparer.Ordinal)).Add(custom.ActionName);
        }
        if (names is null) return options;
        var given = options ?? NccoValidationOptions.Default;
        names.UnionWith(given.CustomActions);
        return given with { CustomActions = names };
    }

    private static Uri ToUri(string url, string parameter) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri : throw new ArgumentException($"\"{url}\" is not an absolute URL.", parameter);

    private static Uri? ToUriOrNull(string? url, string parameter) => url is null ? null : ToUri(url, parameter);
}
