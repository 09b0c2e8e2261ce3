using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Ncco.Host.Configuration;
using Ncco.Host.MediaPlane;
using Ncco.Host.Recordings;
using Ncco.Host.Tests.Support;
using Ncco.Legs;
using Ncco.Media.Asr;
using Ncco.Media.Playback;

namespace Ncco.Host.Tests.MediaPlane;

/// <summary>
/// A recogniser that is slow to start (a model still loading on the first call after start, a remote service being
/// connected) must not cost the caller the words said meanwhile: the listener holds the frames and replays them into the
/// session once it exists. Driven tick by tick, so the word is over before the recogniser is ready, every run.
/// </summary>
public sealed class SpeechListenerColdStartTests : IAsyncDisposable
{
    private const int Rate = MediaThread.SampleRate;
    private const int Frame = Rate / 50;

    private readonly HttpClient _http = new();
    private readonly string _directory = Directory.CreateTempSubdirectory("ncco-cold-asr-").FullName;
    private readonly SlowRecognizer _recognizer = new();
    private readonly MediaThread _mediaThread;
    private readonly ScriptedCaller _caller = new();
    private readonly SpeechSink _sink = new();
    private readonly LegMedia _leg;

    public SpeechListenerColdStartTests()
    {
        _mediaThread = new MediaThread(TimeProvider.System, new MediaMetrics(null),
            new PlaybackRenderer(null, new StreamPlayer(_http, TimeProvider.System, new StreamPlayerOptions(Path.Combine(_directory, "cache")))), _recognizer,
            NullLogger.Instance, startClock: false);
        _leg = new LegMedia(_mediaThread, "caller", _caller) { Sink = _sink };
        _mediaThread.Post(() => _mediaThread.Add(_leg));
        _mediaThread.Tick();
    }

    [Fact]
    public async Task Words_said_while_the_recogniser_starts_are_recognised_once_it_is_ready()
    {
        // Room noise with a 0.5 s voiced sound 0.3 s in: all of it arrives while the recogniser is still starting. (The
        // noise matters: the speech gate measures loudness against the room's floor, and after digital silence alone a
        // steady tone sets that floor itself and is never loud.)
        var random = new Random(7);
        var audio = new short[(int)(2.3 * Rate)];
        for (var i = 0; i < audio.Length; i++) audio[i] = (short)((random.NextDouble() - 0.5) * 60 * 3.46);
        var word = TestAudio.Tone(200, 0.5, Rate, amplitude: 6000);
        for (var i = 0; i < word.Length; i++) audio[(int)(0.3 * Rate) + i] += word[i];
        _caller.Say(audio);
        var store = new RecordingStore(Options.Create(new NccoHostOptions { DataDirectory = _directory }), new InMemoryRecordingRepository(), TimeProvider.System);
        using var listening = new ApplicationMediaPlane(_mediaThread, store, "app")
            .StartListening(new MediaListenRequest("caller", "en-US", ["yes", "no"], StartTimeout: 10, EndOnSilence: 1, MaxDuration: 60, Sensitivity: 90));

        // 2 s of the call (100 ticks) pass before the recogniser is ready: the word is long over, the noise nearly.
        for (var i = 0; i < 100; i++) _mediaThread.Tick();
        Assert.Equal(1, _recognizer.Starts);
        Assert.False(_sink.Started, "speech was reported before any session could hear it");
        _recognizer.Ready.SetResult();

        // The replay happens on the tick after the session is posted; then 1 s of quiet ends the utterance.
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (_sink.Text is null && waited.Elapsed < TimeSpan.FromSeconds(20))
        {
            _mediaThread.Tick();
            await Task.Delay(5);
        }

        Assert.True(_sink.Started, "the held word never reached the session's speech gate");
        Assert.Equal("yes", _sink.Text);
        var stream = Assert.Single(_recognizer.Streams);
        // The recogniser heard the whole word, not just what came after it was ready.
        var loud = audio.Count(s => Math.Abs((int)s) > HeardStream.Loud);
        Assert.InRange(stream.VoicedSamples, loud - Frame, loud);
    }

    public async ValueTask DisposeAsync()
    {
        await _mediaThread.DisposeAsync();
        _http.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Scratch space.
        }
    }

    // Named again so its SpeechStarted implements the interface's (a default method LegEventSinkBase does not override).
    private sealed class SpeechSink : LegEventSinkBase, ILegEventSink
    {
        private volatile string? _text;
        private volatile bool _started;

        public string? Text => _text;

        public bool Started => _started;

        public void SpeechStarted() => _started = true;

        public override void Speech(string text, double confidence, TimeSpan duration, string? audioFileId = null) => _text = text;
    }

    /// <summary>Starts only when <see cref="Ready"/> is set; answers "yes" to an utterance that held voiced audio.</summary>
    private sealed class SlowRecognizer : ISpeechRecognizer
    {
        private int _starts;

        public TaskCompletionSource Ready { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public List<HeardStream> Streams { get; } = [];

        public int Starts => Volatile.Read(ref _starts);

        public string Name => "slow";

        public async ValueTask<ISpeechRecognitionStream> StartAsync(AsrSettings settings, int sampleRate, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _starts);
            await Ready.Task.WaitAsync(cancellationToken);
            var stream = new HeardStream();
            lock (Streams) Streams.Add(stream);
            return stream;
        }
    }

    private sealed class HeardStream : ISpeechRecognitionStream
    {
        public const int Loud = 1000;

        public int VoicedSamples { get; private set; }

        public void Write(ReadOnlySpan<short> samples)
        {
            foreach (var s in samples)
            {
                if (Math.Abs((int)s) > Loud) VoicedSamples++;
            }
        }

        public Task<IReadOnlyList<SpeechAlternative>> FinishAsync(CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<SpeechAlternative>>(VoicedSamples > 0 ? [new SpeechAlternative("yes", 1)] : []);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    /// <summary>A 16 kHz leg that sends the scripted audio, then silence.</summary>
    private sealed class ScriptedCaller : IMediaTransport
    {
        private short[] _audio = [];
        private int _position;

        public int SampleRate => Rate;

        public void Say(short[] audio)
        {
            _audio = audio;
            _position = 0;
        }

        public bool ReadInbound(Span<short> frame)
        {
            frame.Clear();
            if (_position < _audio.Length)
            {
                _audio.AsSpan(_position, Math.Min(Frame, _audio.Length - _position)).CopyTo(frame);
                _position += Frame;
            }
            return true;
        }

        public void WriteOutbound(ReadOnlySpan<short> frame)
        {
        }

        public bool ConversationDtmf(char digit, int durationMilliseconds) => false;
    }
}
