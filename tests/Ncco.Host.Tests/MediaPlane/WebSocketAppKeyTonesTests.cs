using Ncco.Host.Configuration;
using Ncco.Model;

namespace Ncco.Host.Tests.MediaPlane;

/// <summary>
/// Issue 19: what a <c>websocket</c> application plays is audio, not key presses (Vonage detects keys from callers and
/// tells the app with <c>websocket:dtmf</c>): by default DTMF tones in the app's audio complete no input, and the
/// detector does not run on them. <c>Ncco:Media:WebSocketKeyTones</c> turns detection back on (the media harness does,
/// its sockets standing in for callers; <see cref="WebSocketLegTests"/> covers that side).
/// </summary>
public sealed class WebSocketAppKeyTonesTests : IAsyncLifetime
{
    private MediaHarness _h = null!;

    public async Task InitializeAsync() => _h = await MediaHarness.StartAsync(media: new MediaOptions());

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public void Key_tones_in_app_audio_are_off_by_default()
    {
        Assert.False(new MediaOptions().WebSocketKeyTones);
        Assert.False(new NccoHostOptions().Media.WebSocketKeyTones);
    }

    [Fact]
    public async Task Dtmf_tones_written_by_the_app_are_played_not_taken_for_keys()
    {
        var (leg, socket) = await _h.CallSocketAsync("app-tones",
            NccoBuilder.Create().Input(InputTypes.Dtmf, dtmf: new() { MaxDigits = 3, Timeout = 2 }).Build());
        await socket.NextEventAsync("websocket:connected");
        await socket.SendAudioAsync(TestAudio.Concat(TestAudio.Silence(0.2, 16000), TestAudio.Dtmf("123", 16000), TestAudio.Silence(0.2, 16000)), 16000);

        var input = await _h.EventAsync(e => e.TryGetProperty("dtmf", out _) && MediaHarness.Field(e, "uuid") == leg.Id, TimeSpan.FromSeconds(15));
        var dtmf = input.GetProperty("dtmf");
        Assert.True(string.IsNullOrEmpty(dtmf.GetProperty("digits").GetString()), input.ToString());
        Assert.True(dtmf.GetProperty("timed_out").GetBoolean(), input.ToString());
    }
}
