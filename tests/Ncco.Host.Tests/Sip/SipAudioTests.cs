using System.Text.Json;

namespace Ncco.Host.Tests.Sip;

/// <summary>A softphone made of Ncco.Sip and Ncco.Rtp calls the host: real RTP both ways.</summary>
public sealed class SipAudioTests : IAsyncLifetime
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);
    private SipHostHarness _h = null!;

    public async Task InitializeAsync() => _h = await SipHostHarness.StartAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task The_caller_hears_the_talk_and_an_rfc4733_key_completes_the_input()
    {
        _h.App.Ncco("/answer", $$"""
            [{"action":"talk","text":"Welcome to the gateway. Please press a key now."},
             {"action":"input","type":["dtmf"],"dtmf":{"maxDigits":1,"timeOut":10},"eventUrl":["{{_h.App.Url("input")}}"]}]
            """);
        var rtpFirst = 40000 + (Random.Shared.Next(0, 200) * 20);
        await using var phone = await TestSoftphone.CallAsync(_h.Sip, SipHostHarness.User, rtpFirst);
        await phone.AnsweredAsync(Limit);

        // The talk is heard, then it ends (a stretch of silence) and the input listens.
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!(phone.FramesVoiced >= 25 && phone.SilentRun >= 25))
        {
            Assert.True(waited.Elapsed < Limit, $"talk not heard in full: {phone.FramesVoiced} voiced of {phone.FramesHeard} frames heard");
            await Task.Delay(20);
        }
        // "Welcome to the gateway. Please press a key now." is a couple of seconds of speech at any TTS rate.
        Assert.InRange(phone.FramesVoiced, 25, 500);
        phone.Press('7');

        var input = (await _h.App.WaitForAsync(w => w.Path == "/input", Limit)).Json!.Value;
        Assert.Equal("7", input.GetProperty("dtmf").GetProperty("digits").GetString());
        Assert.Equal(JsonValueKind.False, input.GetProperty("dtmf").GetProperty("timed_out").ValueKind);
    }
}
