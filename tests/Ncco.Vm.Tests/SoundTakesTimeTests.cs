using Ncco.Testing;
using Ncco.Testing.Hosting;

namespace Ncco.Vm.Tests;

/// <summary>Making sound and speaking advance virtual time by their length; staying silent is silence only.</summary>
public class SoundTakesTimeTests
{
    private static WebhookApp Voicemail() => new WebhookApp()
        .Map("/webhooks/answer", _ => """[{"action":"talk","text":"Leave a message"},{"action":"record","endOnKey":"#","beepStart":true,"eventUrl":["https://app.example/recording"]}]""")
        .Map("/recording", _ => null)
        .Map("/webhooks/event", _ => null);

    [Fact]
    public async Task Speaking_for_7_seconds_then_pressing_hash_records_7_seconds()
    {
        await using var sim = VoiceSimulator.Start(Voicemail());
        var call = await sim.CallAsync("447700900001", "447700900000");
        await call.HearsAsync("beep");
        var before = sim.Now;
        await call.SpeaksForAsync(TimeSpan.FromSeconds(7));
        Assert.Equal(TimeSpan.FromSeconds(7), sim.Now - before);
        await call.PressAsync("#");
        await call.RecordEventAsync();
        var recording = Assert.Single(sim.Recordings);
        Assert.Equal(7.0, recording.Duration.TotalSeconds, 1);
        Assert.Equal("key", recording.EndReason);
    }

    [Fact]
    public async Task Saying_takes_a_realistic_time_by_default_and_the_test_can_set_it()
    {
        await using var sim = VoiceSimulator.Start(Voicemail());
        var call = await sim.CallAsync("447700900001", "447700900000");
        await call.HearsAsync("beep");
        var t0 = sim.Now;
        await call.SaysAsync("please call me back tomorrow morning"); // six words at 0.4 s
        Assert.Equal(TimeSpan.FromSeconds(2.4), sim.Now - t0);
        var t1 = sim.Now;
        await call.SaysAsync("thanks", duration: TimeSpan.FromSeconds(1.5));
        Assert.Equal(TimeSpan.FromSeconds(1.5), sim.Now - t1);
        await call.PressAsync("#");
        await call.RecordEventAsync();
        Assert.Equal(3.9, Assert.Single(sim.Recordings).Duration.TotalSeconds, 1);
    }

    [Fact]
    public async Task The_speech_rate_is_configurable()
    {
        await using var sim = VoiceSimulator.Start(Voicemail(), o => o.SpeechDuration = text => TimeSpan.FromSeconds(text.Length));
        var call = await sim.CallAsync("447700900001", "447700900000");
        await call.HearsAsync("beep");
        var t0 = sim.Now;
        await call.SaysAsync("hello");
        Assert.Equal(TimeSpan.FromSeconds(5), sim.Now - t0);
    }

    [Fact]
    public async Task Staying_silent_passes_exactly_that_time_and_makes_no_sound()
    {
        var app = new WebhookApp()
            .Map("/webhooks/answer", _ => """[{"action":"record","endOnSilence":3,"eventUrl":["https://app.example/recording"]}]""")
            .Map("/recording", _ => null)
            .Map("/webhooks/event", _ => null);
        await using var sim = VoiceSimulator.Start(app);
        var call = await sim.CallAsync("447700900001", "447700900000");
        await call.SpeaksForAsync(TimeSpan.FromSeconds(4));
        await call.StaysSilentAsync(TimeSpan.FromSeconds(1));
        Assert.Equal(TimeSpan.FromSeconds(5), sim.Now - sim.Options.StartTime);
        await call.RecordEventAsync();
        var recording = Assert.Single(sim.Recordings);
        Assert.Equal("silence", recording.EndReason);
        Assert.Equal(7.0, recording.Duration.TotalSeconds, 1); // 4 s of sound, then 3 s of silence ends it
    }

    [Fact]
    public async Task A_call_the_app_ends_mid_sentence_stops_the_sound_there()
    {
        var app = new WebhookApp()
            .Map("/webhooks/answer", _ => """[{"action":"record","timeOut":3,"eventUrl":["https://app.example/recording"]}]""")
            .Map("/recording", _ => null)
            .Map("/webhooks/event", _ => null);
        await using var sim = VoiceSimulator.Start(app);
        var call = await sim.CallAsync("447700900001", "447700900000");
        await call.SpeaksForAsync(TimeSpan.FromSeconds(20));
        Assert.True(call.IsEnded);
        Assert.Equal(TimeSpan.FromSeconds(3), call.Leg.EndedAt!.Value - sim.Options.StartTime);
        Assert.Equal(TimeSpan.FromSeconds(3), sim.Now - sim.Options.StartTime);
    }
}
