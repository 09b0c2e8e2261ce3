using Ncco.Tests.Shared;

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
    private const double RoomNoise = 346;
    private SipHostHarness _h = null!;

    public async Task InitializeAsync() => _h = await SipHostHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    // Both cases: a softphone (RTP ports from rtpBase) calls into an input that takes one key or speech, and is answered.
    private async Task<TestSoftphone> CallIntoKeysAndSpeechInputAsync(int rtpBase)
    {
        _h.App.Ncco("/answer", $$"""
            [{"action":"input","type":["dtmf","speech"],"dtmf":{"maxDigits":1,"timeOut":10},
              "speech":{"maxDuration":60,"endOnSilence":2},"eventUrl":["{{_h.App.Url("input")}}"]}]
            """);
        var phone = await TestSoftphone.CallAsync(_h.Sip, SipHostHarness.User, rtpBase + (Random.Shared.Next(0, 100) * 20));
        try
        {
            await phone.AnsweredAsync(Limit);
            await _h.App.WaitForAsync(w => w.Json is { } j && j.TryGetProperty("status", out var s) && s.GetString() == "answered", Limit);
            return phone;
        }
        catch
        {
            await phone.DisposeAsync();
            throw;
        }
    }

    // The input's result as the app got it; asserted whole so a failure shows what did end the input.
    private async Task<System.Text.Json.JsonElement> InputResultAsync() => (await _h.App.WaitForAsync(w => w.Path == "/input", Limit)).Json!.Value;

    [Fact]
    public async Task A_key_pressed_in_room_noise_after_a_breath_completes_a_keys_and_speech_input()
    {
        await using var phone = await CallIntoKeysAndSpeechInputAsync(46000);

        // Room noise about 40 dB below full scale (a laptop microphone in a quiet office), a breath, a key's tones.
        phone.Play(TestSignals.Concat(TestSignals.Noise(1, RoomNoise, 11), TestSignals.Breath(12), TestSignals.Noise(1, RoomNoise, 13),
            new Ncco.Media.Dtmf.DtmfGenerator(TestSignals.SampleRate).Generate("7"), TestSignals.Noise(1, RoomNoise, 14)));

        var input = await InputResultAsync();
        Assert.True(input.GetProperty("dtmf").GetProperty("digits").GetString() == "7", input.ToString());
    }

    [Fact]
    public async Task A_steady_tone_in_the_room_does_not_hold_back_an_rfc4733_key()
    {
        await using var phone = await CallIntoKeysAndSpeechInputAsync(48000);

        // A fan or a TV: a continuous 400 Hz tone from the start of the call, then a key press while it goes on.
        phone.SendTone = true;
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        phone.Press('4');

        var input = await InputResultAsync();
        Assert.True(input.GetProperty("dtmf").GetProperty("digits").GetString() == "4", input.ToString());
    }
}
