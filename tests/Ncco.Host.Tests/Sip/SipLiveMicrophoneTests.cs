namespace Ncco.Host.Tests.Sip;

/// <summary>
/// Issue 15 on a SIP leg: a caller whose microphone picks up steady room noise, a breath and in-band key tones is
/// never stuck in an input that takes keys and speech — the key completes it. Real RTP from a softphone made of
/// Ncco.Sip and Ncco.Rtp through the host's SIP gateway and media plane (the WebSocket leg's twin is
/// <c>MediaPlane/KeyToneSpeechTests</c>).
/// </summary>
public sealed class SipLiveMicrophoneTests : IAsyncLifetime
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);
    private SipHostHarness _h = null!;

    public async Task InitializeAsync() => _h = await SipHostHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    // Room noise at 8 kHz: white noise about 40 dB below full scale (a laptop microphone in a quiet office).
    private static short[] Noise(double seconds, int seed)
    {
        var random = new Random(seed);
        var samples = new short[(int)(seconds * 8000)];
        for (var i = 0; i < samples.Length; i++) samples[i] = (short)random.Next(-600, 600);
        return samples;
    }

    // A breath into the microphone: low-passed noise swelling and fading over 0.6 s, well above the room noise.
    private static short[] Breath(int seed)
    {
        var random = new Random(seed);
        var samples = new short[(int)(0.6 * 8000)];
        double smooth = 0;
        for (var i = 0; i < samples.Length; i++)
        {
            smooth += 0.15 * (random.Next(-8000, 8000) - smooth);
            var envelope = Math.Sin(Math.PI * i / samples.Length);
            samples[i] = (short)(smooth * envelope);
        }
        return samples;
    }

    private static short[] Concat(params short[][] parts) => [.. parts.SelectMany(p => p)];

    [Fact]
    public async Task A_key_pressed_in_room_noise_after_a_breath_completes_a_keys_and_speech_input()
    {
        _h.App.Ncco("/answer", $$"""
            [{"action":"input","type":["dtmf","speech"],"dtmf":{"maxDigits":1,"timeOut":10},
              "speech":{"maxDuration":60,"endOnSilence":2},"eventUrl":["{{_h.App.Url("input")}}"]}]
            """);
        var rtpFirst = 46000 + (Random.Shared.Next(0, 100) * 20);
        await using var phone = await TestSoftphone.CallAsync(_h.Sip, SipHostHarness.User, rtpFirst);
        await phone.AnsweredAsync(Limit);
        await _h.App.WaitForAsync(w => w.Json is { } j && j.TryGetProperty("status", out var s) && s.GetString() == "answered", Limit);

        phone.Play(Concat(Noise(1, 11), Breath(12), Noise(1, 13), new Ncco.Media.Dtmf.DtmfGenerator(8000).Generate("7"), Noise(1, 14)));

        var input = (await _h.App.WaitForAsync(w => w.Path == "/input", Limit)).Json!.Value;
        Assert.True(input.GetProperty("dtmf").GetProperty("digits").GetString() == "7", input.ToString());
    }

    [Fact]
    public async Task A_steady_tone_in_the_room_does_not_hold_back_an_rfc4733_key()
    {
        _h.App.Ncco("/answer", $$"""
            [{"action":"input","type":["dtmf","speech"],"dtmf":{"maxDigits":1,"timeOut":10},
              "speech":{"maxDuration":60,"endOnSilence":2},"eventUrl":["{{_h.App.Url("input")}}"]}]
            """);
        var rtpFirst = 48000 + (Random.Shared.Next(0, 100) * 20);
        await using var phone = await TestSoftphone.CallAsync(_h.Sip, SipHostHarness.User, rtpFirst);
        await phone.AnsweredAsync(Limit);
        await _h.App.WaitForAsync(w => w.Json is { } j && j.TryGetProperty("status", out var s) && s.GetString() == "answered", Limit);

        // A fan or a TV: a continuous 400 Hz tone from the start of the call, then a key press while it goes on.
        phone.SendTone = true;
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        phone.Press('4');

        var input = (await _h.App.WaitForAsync(w => w.Path == "/input", Limit)).Json!.Value;
        Assert.True(input.GetProperty("dtmf").GetProperty("digits").GetString() == "4", input.ToString());
    }
}
