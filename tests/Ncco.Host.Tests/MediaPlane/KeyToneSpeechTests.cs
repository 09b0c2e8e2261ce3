using Ncco.Model;
using Ncco.Model.Actions;

namespace Ncco.Host.Tests.MediaPlane;

/// <summary>
/// Issue 15, with live-microphone-like audio through a real websocket leg and the real media plane: steady room noise
/// and in-band key tones are never speech. A speech input that hears only noise and a key ends with no speech
/// (<c>start_timeout</c>); a menu taking keys and speech gets the key.
/// </summary>
public sealed class KeyToneSpeechTests : IAsyncLifetime
{
    private MediaHarness _h = null!;

    public async Task InitializeAsync() => _h = await MediaHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    // Room noise: white noise about 40 dB below full scale, the level of a laptop microphone in a quiet office.
    private static short[] Noise(double seconds, int seed)
    {
        var random = new Random(seed);
        var samples = new short[(int)(seconds * 16000)];
        for (var i = 0; i < samples.Length; i++) samples[i] = (short)random.Next(-600, 600);
        return samples;
    }

    [Fact]
    public async Task A_key_tone_in_room_noise_is_not_speech()
    {
        var (leg, socket) = await _h.CallSocketAsync("tone-not-speech",
            NccoBuilder.Create().Input(InputTypes.Speech, speech: new() { StartTimeout = 3, EndOnSilence = 1 }).Build());
        await socket.NextEventAsync("websocket:connected");
        await _h.WaitUntilListeningAsync(leg.Id);
        await socket.SendAudioAsync(TestAudio.Concat(Noise(1, 1), TestAudio.Dtmf("5", 16000), Noise(3, 2)), 16000);
        var input = await _h.EventAsync(e => e.TryGetProperty("speech", out _) && MediaHarness.Field(e, "uuid") == leg.Id, TimeSpan.FromSeconds(20));
        var speech = input.GetProperty("speech");
        Assert.True(speech.GetProperty("timeout_reason").GetString() == "start_timeout", input.ToString());
        Assert.False(speech.TryGetProperty("results", out var results) && results.GetArrayLength() > 0, input.ToString());
    }

    [Fact]
    public async Task A_menu_taking_keys_and_speech_gets_the_key_pressed_in_room_noise()
    {
        var (leg, socket) = await _h.CallSocketAsync("menu-in-noise",
            NccoBuilder.Create().Input(InputTypes.Dtmf | InputTypes.Speech, dtmf: new() { MaxDigits = 1 }, speech: new() { MaxDuration = 60, EndOnSilence = 2 }).Build());
        await socket.NextEventAsync("websocket:connected");
        await _h.WaitUntilListeningAsync(leg.Id);
        await socket.SendAudioAsync(TestAudio.Concat(Noise(1, 3), TestAudio.Dtmf("7", 16000), Noise(1, 4)), 16000);
        var input = await _h.EventAsync(e => e.TryGetProperty("dtmf", out _) && MediaHarness.Field(e, "uuid") == leg.Id, TimeSpan.FromSeconds(20));
        Assert.True(input.GetProperty("dtmf").GetProperty("digits").GetString() == "7", input.ToString());
    }
}
