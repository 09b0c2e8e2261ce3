using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using Ncco.Host.MediaPlane;
using Ncco.Host.Tests.Support;
using Ncco.Legs;
using Ncco.Media.Playback;

namespace Ncco.Host.Tests.MediaPlane;

/// <summary>
/// How a tick treats conversations: spread over workers, lone legs that skip the mixer and the input resampler, and
/// detectors at the leg's own rate. Driven tick by tick (no clock).
/// </summary>
public sealed class MediaTickTests : IAsyncDisposable
{
    private readonly TickedMediaThreads _threads = new();

    /// <summary>Plays a looping inbound signal and keeps what the leg is sent: a checksum and the last frame.</summary>
    private sealed class ScriptedTransport(int rate, short[] inbound) : IMediaTransport
    {
        private int _position;

        public int SampleRate => rate;

        public long Checksum { get; private set; }

        public short[] LastFrame { get; } = new short[rate / 50];

        public List<(char Digit, int Duration)> ForwardedDtmf { get; } = [];

        public bool ReadInbound(Span<short> frame)
        {
            for (var i = 0; i < frame.Length; i++) frame[i] = inbound[(_position + i) % inbound.Length];
            _position = (_position + frame.Length) % inbound.Length;
            return true;
        }

        public void WriteOutbound(ReadOnlySpan<short> frame)
        {
            frame.CopyTo(LastFrame);
            foreach (var s in frame) Checksum = unchecked((Checksum * 31) + s);
        }

        public bool ConversationDtmf(char digit, int durationMilliseconds)
        {
            ForwardedDtmf.Add((digit, durationMilliseconds));
            return true;
        }
    }

    private sealed class DigitSink : LegEventSinkBase
    {
        public ConcurrentQueue<char> Digits { get; } = new();

        public override void Digit(char digit) => Digits.Enqueue(digit);
    }

    private static short[] Signal(int index, int rate) => index % 3 == 2
        // Every third leg presses keys, so DTMF forwarding within conversations is part of what is compared.
        ? TestAudio.Concat(TestAudio.Dtmf("1" + (char)('0' + (index % 10)), rate), TestAudio.Silence(0.3, rate))
        : TestAudio.Tone(300 + (97 * index), 0.5, rate, 4000);

    /// <summary>
    /// Ten legs at 8/16/24 kHz: a conversation of three, two of two, a lone one with a prompt, a lone one without, and
    /// one in no conversation; returns their transports after <paramref name="ticks"/> ticks.
    /// </summary>
    private static ScriptedTransport[] RunScenario(MediaThread mediaThread, int ticks)
    {
        int[] rates = [8000, 16000, 24000];
        var transports = Enumerable.Range(0, 10).Select(i => new ScriptedTransport(rates[i % 3], Signal(i, rates[i % 3]))).ToArray();
        var legs = transports.Select((t, i) => new LegMedia(mediaThread, "leg-" + i, t)).ToArray();
        string[][] conversations = [["leg-0", "leg-1", "leg-2"], ["leg-3", "leg-4"], ["leg-5", "leg-6"], ["leg-7"], ["leg-8"]];
        mediaThread.Post(() =>
        {
            foreach (var leg in legs) mediaThread.Add(leg);
            for (var c = 0; c < conversations.Length; c++)
                mediaThread.ApplyMix(new MediaMix("CON-" + c, true, conversations[c].Select(id => new MediaParticipant(id, false, false, null, null)).ToArray()));
            legs[7].Play(new Playback(1, PlaybackKind.Dtmf) { Text = "123456789#" });
            legs[4].Play(new Playback(2, PlaybackKind.Beep));
        });
        for (var i = 0; i < ticks; i++) mediaThread.Tick();
        return transports;
    }

    [Fact]
    public void Two_workers_send_every_leg_exactly_what_one_worker_sends()
    {
        var one = RunScenario(_threads.Create(workers: 1), 150);
        var two = RunScenario(_threads.Create(workers: 2), 150);

        Assert.Equal(2, _threads.Made[1].Workers);
        Assert.Equal(one.Select(t => t.Checksum), two.Select(t => t.Checksum));
        Assert.Equal(one.Select(t => t.ForwardedDtmf.Count), two.Select(t => t.ForwardedDtmf.Count));
        // The scenario is not trivially silent: conversation members hear each other, keys were forwarded, and the
        // lone leg without a prompt heard nothing.
        Assert.All(new[] { 0, 1, 2, 3, 4, 5, 6, 7 }, i => Assert.NotEqual(0, one[i].Checksum));
        Assert.Equal(0, one[8].Checksum);
        Assert.Contains(one[0].ForwardedDtmf, d => d.Digit == '1');
    }

    private static MediaParticipant Member(string id) => new(id, false, false, null, null);

    /// <summary>Leg "a" (8 kHz, a 440 Hz tone) alone in conversation CON-1, and leg "b" (16 kHz, 1 kHz) on the media
    /// thread but in no conversation yet.</summary>
    private (MediaThread MediaThread, ScriptedTransport Alone, ScriptedTransport Other, LegMedia A, LegMedia B) LoneLegBesideAnother()
    {
        var mediaThread = _threads.Create(workers: 1);
        var alone = new ScriptedTransport(8000, TestAudio.Tone(440, 0.5, 8000));
        var other = new ScriptedTransport(16000, TestAudio.Tone(1000, 0.5, 16000));
        var a = new LegMedia(mediaThread, "a", alone);
        var b = new LegMedia(mediaThread, "b", other);
        mediaThread.Post(() =>
        {
            mediaThread.Add(a);
            mediaThread.Add(b);
            mediaThread.ApplyMix(new MediaMix("CON-1", true, [Member("a")]));
        });
        return (mediaThread, alone, other, a, b);
    }

    [Fact]
    public void A_lone_leg_hears_silence_then_the_other_party_once_it_joins_and_silence_again_once_it_leaves()
    {
        var (mediaThread, alone, other, a, b) = LoneLegBesideAnother();
        for (var i = 0; i < 10; i++) mediaThread.Tick();
        Assert.All(alone.LastFrame, s => Assert.Equal(0, s));

        mediaThread.Post(() => mediaThread.ApplyMix(new MediaMix("CON-1", true, [Member("a"), Member("b")])));
        for (var i = 0; i < 10; i++) mediaThread.Tick();
        Assert.True(TestAudio.ToneShare(alone.LastFrame, 1000, 8000) > 0.8, "a hears b's 1 kHz tone");
        Assert.True(TestAudio.ToneShare(other.LastFrame, 440, 16000) > 0.8, "b hears a's 440 Hz tone (resampled up after a skipped it alone)");

        mediaThread.Post(() => mediaThread.ApplyMix(new MediaMix("CON-1", true, [Member("a")])));
        for (var i = 0; i < 10; i++) mediaThread.Tick();
        Assert.All(alone.LastFrame, s => Assert.Equal(0, s));
    }

    [Fact]
    public void An_idle_lone_leg_holds_no_resampler_until_it_hears_or_is_heard_and_a_media_rate_leg_never_does()
    {
        var (mediaThread, alone, other, a, b) = LoneLegBesideAnother();
        for (var i = 0; i < 50; i++) mediaThread.Tick();
        // An idle G.711 call: its keys and voice are detected at 8 kHz and it is sent silence — no converter either way.
        Assert.Equal(0, a.ResamplersHeld);

        mediaThread.Post(() => mediaThread.ApplyMix(new MediaMix("CON-1", true, [Member("a"), Member("b")])));
        for (var i = 0; i < 10; i++) mediaThread.Tick();
        Assert.Equal(2, a.ResamplersHeld); // it hears b (down to 8 kHz) and b hears it (up to 16 kHz)
        Assert.True(TestAudio.ToneShare(alone.LastFrame, 1000, 8000) > 0.8, "a hears b's 1 kHz tone through its new converter");
        Assert.True(TestAudio.ToneShare(other.LastFrame, 440, 16000) > 0.8, "b hears a's 440 Hz tone through a's new converter");
        Assert.Equal(0, b.ResamplersHeld); // at the media rate already
    }

    [Theory]
    [InlineData(8000)]
    [InlineData(16000)]
    [InlineData(24000)]
    public void Keys_in_a_lone_leg_audio_are_reported_at_every_rate(int rate)
    {
        var mediaThread = _threads.Create(workers: 1);
        var transport = new ScriptedTransport(rate, TestAudio.Concat(TestAudio.Silence(0.2, rate), TestAudio.Dtmf("5", rate), TestAudio.Silence(2, rate)));
        var sink = new DigitSink();
        var leg = new LegMedia(mediaThread, "leg", transport) { Sink = sink };
        mediaThread.Post(() =>
        {
            mediaThread.Add(leg);
            mediaThread.ApplyMix(new MediaMix("CON-1", true, [new MediaParticipant("leg", false, false, null, null)]));
        });
        for (var i = 0; i < 50; i++) mediaThread.Tick();

        Assert.Equal(['5'], sink.Digits.ToArray());
    }

    public ValueTask DisposeAsync() => _threads.DisposeAsync();
}
