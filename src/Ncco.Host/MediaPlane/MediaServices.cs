using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using Ncco.Host.Configuration;
using Ncco.Host.Recordings;
using Ncco.Media.Asr;
using Ncco.Media.Native;
using Ncco.Media.Playback;
using Ncco.Media.Tts;
using Ncco.Legs;
using Ncco.Webhooks;

namespace Ncco.Host.MediaPlane;

/// <summary>
/// The host's media services: one media thread for the whole process (see <c>MediaPlane/README.md</c>), the TTS, ASR and
/// stream-fetching engines, and the recording store. Registered as a singleton by
/// <see cref="MediaServiceCollectionExtensions.AddNccoMedia"/>; call <see cref="CreatePlane"/> once per
/// <see cref="Ncco.Calls.NccoVm"/> (per application) and pass the result as its options' <c>Media</c>. The legs whose
/// audio runs on the media thread come from the leg transports (<see cref="Legs.LegTransportMap"/>).
/// </summary>
/// <remarks>
/// Missing native engines do not stop the host: they are logged once at construction with the Debian package to
/// install (<see cref="MissingEngines"/>). Without espeak-ng talk plays silence of the estimated length; without
/// pocketsphinx speech inputs end with their start timeout.
/// </remarks>
public sealed class MediaServices : IAsyncDisposable
{
    private readonly MediaThread _mediaThread;
    private readonly MediaMetrics _metrics;
    private readonly HttpClient _http;
    private readonly PocketSphinxRecognizer? _recognizer;
    private readonly Task _warmUp = Task.CompletedTask;
    private readonly GcThreadPriority? _gcThreads;

    /// <summary>
    /// Creates the services and starts the media thread. <c>stream</c> audio URLs connect through the address policy
    /// given (null: the one <c>Ncco:Webhooks:AllowedNetworks</c> describes).
    /// </summary>
    public MediaServices(IOptions<NccoHostOptions> options, RecordingStore recordings, TimeProvider time, ILoggerFactory loggers, IMeterFactory? meters = null,
        Calls.WebhookAddressPolicy? addressPolicy = null)
        : this(options, recordings, time, loggers, meters, addressPolicy, pacerFactory: null)
    {
    }

    /// <summary>As the public constructor, with the kernel-timed sender made by <paramref name="pacerFactory"/> (tests: the capability check).</summary>
    internal MediaServices(IOptions<NccoHostOptions> options, RecordingStore recordings, TimeProvider time, ILoggerFactory loggers, IMeterFactory? meters,
        Calls.WebhookAddressPolicy? addressPolicy, PacerFactory? pacerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        // Stream URLs are named by applications like webhooks are: the same address policy applies.
        _http = new HttpClient((addressPolicy ?? new Calls.WebhookAddressPolicy(options.Value.Webhooks.AllowedNetworks)).CreateHandler());
        ArgumentNullException.ThrowIfNull(recordings);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(loggers);
        var settings = options.Value.Media;
        settings.Validate();
        Recordings = recordings;
        WebSocketKeyTones = settings.WebSocketKeyTones;
        var logger = loggers.CreateLogger("Ncco.Host.Media");
        var missing = NativeEngines.Probe();
        foreach (var problem in missing) logger.EngineMissing(problem);
        MissingEngines = missing;

        ITextToSpeech? tts = null;
        try
        {
            tts = new EspeakTextToSpeech();
        }
        catch (NativeEngineMissingException e)
        {
            logger.TextToSpeechDisabled(e.Message);
        }
        if (tts is EspeakTextToSpeech espeak) _warmUp = WarmUpAsync(espeak, settings.ParseTtsWarmVoices(), logger);
        if (tts is not null && settings.TtsCacheMegabytes > 0) tts = TtsCache = new CachingTextToSpeech(tts, settings.TtsCacheMegabytes * 1024L * 1024);
        try
        {
            _recognizer = new PocketSphinxRecognizer(
                new PocketSphinxOptions(Decoders: settings.SpeechDecoders)
                {
                    MaxWaitingUtterances = settings.SpeechQueueLimit,
                    MaxDecoderWait = TimeSpan.FromSeconds(settings.SpeechQueueTimeoutSeconds),
                    DictationDecoders = settings.SpeechDictationDecoders,
                    IdleDecoderTimeout = settings.SpeechDecoderIdleSeconds > 0 ? TimeSpan.FromSeconds(settings.SpeechDecoderIdleSeconds) : Timeout.InfiniteTimeSpan,
                    IdleDecodersKept = settings.SpeechDecodersKeptIdle,
                },
                time);
            // The dictation decoders' dictionary is written now, in the background, not during the first calls.
            SpeechWarmUp = PrepareSpeechAsync(_recognizer, logger);
        }
        catch (NativeEngineMissingException e)
        {
            logger.RecognitionDisabled(e.Message);
        }
        var cache = Path.Combine(Path.GetFullPath(options.Value.DataDirectory), "media-cache");
        var streams = new StreamPlayer(_http, time, new StreamPlayerOptions(cache));
        _metrics = new MediaMetrics(meters);
        // Deadlines are computed from the media clock, which follows the monotonic clock only on the system TimeProvider.
        Pacer = PacedSendStartup.Create(settings, ReferenceEquals(time, TimeProvider.System), logger, pacerFactory ?? CreatePacer);
        _mediaThread = new MediaThread(time, _metrics, new PlaybackRenderer(tts, streams), _recognizer, logger, workers: settings.EffectiveWorkers, priority: settings.ThreadPriority,
            realtimeBudgetPercent: settings.RealtimeBudgetPercent)
        {
            SpeechMinConfidence = settings.SpeechMinConfidence,
            SendDelay = TimeSpan.FromMilliseconds(settings.SendDelayMilliseconds),
            Pacer = Pacer,
        };
        DirectSocketCalls = settings.DirectSocketCalls;
        if (settings.RaiseGcThreads) _gcThreads = new GcThreadPriority(settings.ThreadPriority, time, logger);
    }

    /// <summary>Ends when the voices of <c>Ncco:Media:TtsWarmVoices</c> are warm (never faults: failures are logged).</summary>
    public Task TtsWarmUp => _warmUp;

    /// <summary>Ends when what speech recognition reads besides its model is ready (never faults: failures are logged).</summary>
    public Task SpeechWarmUp { get; } = Task.CompletedTask;

    /// <summary>The shared cache of rendered prompts (<c>Ncco:Media:TtsCacheMegabytes</c>); null when off or without espeak-ng.</summary>
    public CachingTextToSpeech? TtsCache { get; }

    private static Ncco.Rtp.Sessions.PacedSender? CreatePacer(TimeSpan lead, Ncco.Media.Pcm.MediaThreadPriority priority, out string? failure) =>
        Ncco.Rtp.Sessions.PacedSender.TryCreate(lead, MaxPacedPackets, priority, out failure);

    // Packets the pacer may hold at once (2 KB of native memory each, taken as needed): ≈ 6,000 legs at the largest lead, 128 MB at most.
    private const int MaxPacedPackets = 1 << 16;

    /// <summary>The kernel-timed sender SIP legs' RTP goes through (<c>Ncco:Media:PacedSend</c>); null when off or unavailable.</summary>
    public Ncco.Rtp.Sessions.PacedSender? Pacer { get; }

    /// <summary>Whether SIP legs' RTP sessions call libc directly (<c>Ncco:Media:DirectSocketCalls</c>).</summary>
    public bool DirectSocketCalls { get; }

    /// <summary>Where recordings are written and found.</summary>
    public RecordingStore Recordings { get; }

    /// <summary>Whether <c>websocket</c> legs detect DTMF tones in the application's audio (<see cref="MediaOptions.WebSocketKeyTones"/>).</summary>
    public bool WebSocketKeyTones { get; }

    /// <summary>One message per native engine that could not be loaded (naming the Debian package); empty when all are present.</summary>
    public IReadOnlyList<string> MissingEngines { get; }

    /// <summary>Media ticks processed after their deadline since start (also exported as <c>ncco.media.frames_late</c>).</summary>
    public long FramesLate => _metrics.FramesLate;

    /// <summary>Legs whose audio is being processed (also exported as <c>ncco.media.legs_active</c>).</summary>
    public int LegsActive => _metrics.LegsActive;

    internal MediaThread MediaThread => _mediaThread;

    /// <summary>The thread that writes every WebSocket leg's frames (started with the first such leg).</summary>
    internal Legs.WebSockets.WebSocketSendPump WebSocketSends
    {
        get
        {
            lock (_pumpGate) return _webSocketSends ??= new Legs.WebSockets.WebSocketSendPump();
        }
    }

    private readonly Lock _pumpGate = new();
    private Legs.WebSockets.WebSocketSendPump? _webSocketSends;

    /// <summary>
    /// Warms the configured voices in the background (start-up does not wait; a call that comes first queues behind the
    /// warm-up on the one synthesis thread, which is no slower than a cold start). A voice espeak-ng lacks is logged.
    /// </summary>
    private static async Task WarmUpAsync(EspeakTextToSpeech tts, IReadOnlyList<(string Language, int Style)> voices, ILogger logger)
    {
        await Task.Yield();
        foreach (var (language, style) in voices)
        {
            try
            {
                await tts.WarmUpAsync([new TtsRequest("ok", language, style)], [MediaThread.SampleRate], CancellationToken.None).ConfigureAwait(false);
            }
            catch (ArgumentException e)
            {
                logger.VoiceNotWarmed(language, style, e.Message);
            }
        }
    }

    private static async Task PrepareSpeechAsync(PocketSphinxRecognizer recognizer, ILogger logger)
    {
        try
        {
            await recognizer.PrepareAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The decoders prepare on first use instead: nothing is lost but the start-up head start.
            logger.SpeechNotPrepared(e.Message);
        }
    }

    /// <summary>
    /// The media plane of one NccoVm serving <paramref name="application"/>: mixing, recording files and speech
    /// recognition for its legs. Cheap: all VMs share the one media thread.
    /// </summary>
    public IMediaPlane CreatePlane(VoiceApplication application)
    {
        ArgumentNullException.ThrowIfNull(application);
        return new ApplicationMediaPlane(_mediaThread, Recordings, application.ApplicationId);
    }

    /// <summary>Stops the media thread.</summary>
    public async ValueTask DisposeAsync()
    {
        await _mediaThread.DisposeAsync().ConfigureAwait(false);
        Pacer?.Dispose();
        lock (_pumpGate) _webSocketSends?.Dispose();
        _gcThreads?.Dispose();
        _recognizer?.Dispose();
        _metrics.Dispose();
        _http.Dispose();
    }
}
