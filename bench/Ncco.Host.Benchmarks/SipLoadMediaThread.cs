using Microsoft.Extensions.Logging.Abstractions;
using Ncco.Host.MediaPlane;
using Ncco.Legs;
using Ncco.Media.Playback;
using Ncco.Media.Tts;

namespace Ncco.Host.Benchmarks;

/// <summary>
/// A <see cref="MediaThread"/> without its clock, holding <c>legs</c> legs shaped like the SIP load
/// (bench/sip-load): each an 8 kHz G.711 leg alone in its conversation (an inbound call's unnamed conversation), hearing
/// a looping TTS prompt, with DTMF detection and VAD on what it receives. <see cref="Tick"/> is one 20 ms tick.
/// </summary>
internal sealed class SipLoadMediaThread : IAsyncDisposable
{
    private readonly HttpClient _http = new();
    private readonly MediaMetrics _metrics = new(null);
    private readonly string _cache = Directory.CreateTempSubdirectory("ncco-host-bench-").FullName;

    /// <param name="legs">Legs (calls).</param>
    /// <param name="workers">Threads a tick is spread over (<c>Ncco:Media:Workers</c>).</param>
    /// <param name="ttsCache">Whether prompts go through the shared <see cref="CachingTextToSpeech"/> (<c>Ncco:Media:TtsCacheMegabytes</c>).</param>
    /// <param name="promptCached">Whether the prompt is in that cache before the calls start (a prompt played before,
    /// or a <c>stream</c> prompt from the stream player's cache: every leg plays one shared buffer from its first frame).</param>
    public SipLoadMediaThread(int legs, int workers = 1, bool ttsCache = true, bool promptCached = false)
    {
        Tts = new SyntheticTextToSpeech(seconds: 4);
        ITextToSpeech tts = ttsCache ? new CachingTextToSpeech(Tts, 64L * 1024 * 1024) : Tts;
        if (ttsCache && promptCached) RenderAsync(tts).GetAwaiter().GetResult();
        var renderer = new PlaybackRenderer(tts, new StreamPlayer(_http, TimeProvider.System, new StreamPlayerOptions(_cache)));
        MediaThread = new MediaThread(TimeProvider.System, _metrics, renderer, null, NullLogger.Instance, startClock: false, workers: workers);
        var inbound = G711LoadTransport.Encode(SyntheticSpeech.Create(G711LoadTransport.Rate, 3));
        Transports = new G711LoadTransport[legs];
        for (var i = 0; i < legs; i++)
        {
            var transport = Transports[i] = new G711LoadTransport(inbound, offsetFrames: i);
            var leg = new LegMedia(MediaThread, "leg-" + i, transport);
            var conversation = "CON-" + i;
            MediaThread.Post(() =>
            {
                MediaThread.Add(leg);
                MediaThread.ApplyMix(new MediaMix(conversation, true, [new MediaParticipant(leg.Id, false, false, null, null)]));
                leg.Play(new Playback(1, PlaybackKind.Talk)
                {
                    Text = Prompt,
                    Language = "en-US",
                    Loop = 0,
                });
            });
        }
    }

    private const string Prompt = "Thank you for calling the Ncco load test.";

    private static async Task RenderAsync(ITextToSpeech tts)
    {
        await foreach (var _ in tts.SynthesizeAsync(new TtsRequest(Prompt, "en-US"), MediaThread.SampleRate, CancellationToken.None))
        {
        }
    }

    public MediaThread MediaThread { get; }

    public SyntheticTextToSpeech Tts { get; }

    public G711LoadTransport[] Transports { get; }

    public void Tick() => MediaThread.Tick();

    /// <summary>
    /// Ticks until every prompt has been produced once (so the measured ticks replay from memory, as a long call does)
    /// and tiered compilation has settled.
    /// </summary>
    public void WarmUp()
    {
        for (var i = 0; i < 260; i++) Tick(); // the 4 s prompt is 200 ticks
        Thread.Sleep(300);
        for (var i = 0; i < 50; i++) Tick();
    }

    public async ValueTask DisposeAsync()
    {
        await MediaThread.DisposeAsync();
        _metrics.Dispose();
        _http.Dispose();
        Directory.Delete(_cache, recursive: true);
    }
}
