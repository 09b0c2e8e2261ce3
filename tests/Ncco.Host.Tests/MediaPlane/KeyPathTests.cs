using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using Ncco.Host.MediaPlane;
using Ncco.Host.Tests.Support;
using Ncco.Legs;
using Ncco.Media.Dtmf;
using Ncco.Media.Playback;

namespace Ncco.Host.Tests.MediaPlane;

/// <summary>
/// The one path every key takes on the media thread, driven tick by tick: a key signalled beside the audio (RFC 4733, a
/// keypad message) and a key in the audio both reach the VM once and are forwarded to the conversation's other legs by
/// the same rule; a leg that cannot signal keys hears a signalled key as a tone; one press sent both ways is one key.
/// </summary>
public sealed class KeyPathTests : IAsyncDisposable
{
    private const int Rate = 8000;
    private const int Frame = Rate / 50;

    private readonly HttpClient _http = new();
    private readonly MediaThread _mediaThread;
    private readonly KeyTransport _presser = new();
    private readonly KeyTransport _signals = new();
    private readonly KeyTransport _tonesOnly = new() { SignalsKeys = false };
    private readonly DigitSink _pressed = new();

    public KeyPathTests()
    {
        var cache = Directory.CreateTempSubdirectory("ncco-media-cache-").FullName;
        _mediaThread = new MediaThread(TimeProvider.System, new MediaMetrics(null),
            new PlaybackRenderer(null, new StreamPlayer(_http, TimeProvider.System, new StreamPlayerOptions(cache))), null, NullLogger.Instance, startClock: false);
        var legs = new[] { new LegMedia(_mediaThread, "presser", _presser) { Sink = _pressed }, new LegMedia(_mediaThread, "signals", _signals), new LegMedia(_mediaThread, "tones", _tonesOnly) };
        _mediaThread.Post(() =>
        {
            foreach (var leg in legs) _mediaThread.Add(leg);
            _mediaThread.ApplyMix(new MediaMix("CON-1", true, legs.Select(l => new MediaParticipant(l.Id, false, false, null, null)).ToArray()));
        });
        _mediaThread.Tick();
    }

    [Fact]
    public void A_signalled_key_reaches_the_vm_once_every_other_leg_is_told_and_a_leg_that_cannot_signal_keys_hears_a_tone()
    {
        _presser.Signal(at: 5, new DtmfDetection('5', false, 0, 0));
        _presser.Signal(at: 10, new DtmfDetection('5', true, 0, 120));
        Run(60);

        Assert.Equal("5", _pressed.Keys);
        Assert.Equal([('5', 120)], _signals.Told);
        Assert.Equal([('5', 120)], _tonesOnly.Told);
        Assert.Equal("5", _tonesOnly.HeardTones);
        Assert.Equal("", _signals.HeardTones);
        Assert.Empty(_presser.Told);
    }

    [Fact]
    public void A_key_in_the_audio_is_forwarded_by_the_same_rule_and_not_played_again_to_a_leg_that_already_hears_it()
    {
        _presser.Speak(at: 5, new DtmfGenerator(Rate).Generate("7"));
        Run(60);

        Assert.Equal("7", _pressed.Keys);
        var (digit, duration) = Assert.Single(_signals.Told);
        Assert.Equal('7', digit);
        Assert.InRange(duration, 80, 120);
        Assert.Equal([('7', duration)], _tonesOnly.Told);
        // The tone came through the mix, once: no second tone was added when the key ended.
        Assert.Equal("7", _tonesOnly.HeardTones);
    }

    [Fact]
    public void One_press_sent_both_as_events_and_as_tones_is_one_key_and_a_later_press_is_another()
    {
        // The events come first; the tones of the same press come later (a jitter buffer and the detector's own delay).
        _presser.Signal(at: 5, new DtmfDetection('5', false, 0, 0));
        _presser.Speak(at: 8, new DtmfGenerator(Rate).Generate("5"));
        _presser.Signal(at: 10, new DtmfDetection('5', true, 0, 100));
        // The same key pressed again, well after: a second key, whichever way it comes.
        _presser.Speak(at: 60, new DtmfGenerator(Rate).Generate("5"));
        Run(100);

        Assert.Equal("55", _pressed.Keys);
        Assert.Equal(['5', '5'], _signals.Told.Select(t => t.Digit));
        Assert.Equal(100, _signals.Told[0].Duration);
    }

    private void Run(int ticks)
    {
        for (var i = 0; i < ticks; i++) _mediaThread.Tick();
    }

    public async ValueTask DisposeAsync()
    {
        await _mediaThread.DisposeAsync();
        _http.Dispose();
    }

    private sealed class DigitSink : LegEventSinkBase
    {
        private readonly ConcurrentQueue<char> _keys = new();

        public string Keys => new([.. _keys]);

        public override void Digit(char digit) => _keys.Enqueue(digit);
    }

    /// <summary>A leg at 8 kHz that sends scripted audio and signalled keys, and keeps what it is told and the keys it hears as tones.</summary>
    private sealed class KeyTransport : IMediaTransport
    {
        private readonly Dictionary<int, List<DtmfDetection>> _signals = [];
        private readonly List<(int At, short[] Samples)> _audio = [];
        private readonly DtmfDetector _detector = new(Rate);
        private readonly DtmfDetection[] _detections = new DtmfDetection[8];
        private int _tick;

        public bool SignalsKeys { get; init; } = true;

        public List<(char Digit, int Duration)> Told { get; } = [];

        public string HeardTones { get; private set; } = "";

        public int SampleRate => Rate;

        public void Signal(int at, DtmfDetection key)
        {
            if (!_signals.TryGetValue(at, out var keys)) _signals[at] = keys = [];
            keys.Add(key);
        }

        public void Speak(int at, short[] samples) => _audio.Add((at, samples));

        public bool ReadInbound(Span<short> frame)
        {
            _tick++;
            frame.Clear();
            foreach (var (at, samples) in _audio)
            {
                var offset = (_tick - at) * Frame;
                if (offset >= 0 && offset < samples.Length) samples.AsSpan(offset, Math.Min(Frame, samples.Length - offset)).CopyTo(frame);
            }
            return true;
        }

        public int ReadDigits(Span<DtmfDetection> digits)
        {
            if (!_signals.Remove(_tick, out var keys)) return 0;
            keys.CopyTo(digits);
            return keys.Count;
        }

        public void WriteOutbound(ReadOnlySpan<short> frame)
        {
            var n = _detector.Process(frame, _detections);
            for (var i = 0; i < n; i++)
            {
                if (!_detections[i].IsEnd) HeardTones += _detections[i].Digit;
            }
        }

        public bool ConversationDtmf(char digit, int durationMilliseconds)
        {
            Told.Add((digit, durationMilliseconds));
            return SignalsKeys;
        }
    }
}
