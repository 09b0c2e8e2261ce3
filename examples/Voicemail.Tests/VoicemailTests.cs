using Microsoft.Extensions.DependencyInjection;
using Ncco.Testing;

namespace Voicemail.Tests;

public class VoicemailTests
{
    [Fact]
    public async Task Message_ended_with_hash_is_saved_with_its_length()
    {
        await using var sim = await VoiceSimulator.StartAsync<Program>();
        var call = await sim.CallAsync(from: "447700900001", to: "447700900000");
        await call.HearsAsync("leave a message after the tone");
        await call.HearsAsync("beep");
        await call.SpeaksForAsync(TimeSpan.FromSeconds(12)); // takes 12 s of virtual time
        await call.PressAsync("#");
        await call.RecordEventAsync();
        await call.HearsAsync("your message has been saved");
        await call.EndsAsync();
        var box = sim.AppServices!.GetRequiredService<VoicemailBox>();
        var message = Assert.Single(box.All);
        Assert.Equal("447700900001", message.From);
        Assert.Equal(TimeSpan.FromSeconds(12), message.Length);
        Assert.Equal(48000, message.Size);
        Assert.Equal(sim.Recordings[0].RecordingUrl, message.RecordingUrl);
    }

    [Fact]
    public async Task Three_seconds_of_silence_ends_the_recording()
    {
        await using var sim = await VoiceSimulator.StartAsync<Program>();
        var call = await sim.CallAsync(from: "447700900002", to: "447700900000");
        await call.HearsAsync("beep");
        await call.SpeaksForAsync(TimeSpan.FromSeconds(5));
        await call.Not.RecordEventAsync(within: TimeSpan.FromSeconds(2.9));
        await call.HearsAsync("your message has been saved");
        var message = Assert.Single(sim.AppServices!.GetRequiredService<VoicemailBox>().All);
        Assert.Equal(TimeSpan.FromSeconds(8), message.Length); // 5 s of message + 3 s of silence
        Assert.Equal("silence", sim.Recordings[0].EndReason);
    }

    [Fact]
    public async Task Caller_hanging_up_mid_message_still_delivers_the_recording()
    {
        await using var sim = await VoiceSimulator.StartAsync<Program>();
        var call = await sim.CallAsync(from: "447700900003", to: "447700900000");
        await call.HearsAsync("beep");
        await call.SpeaksForAsync(TimeSpan.FromSeconds(30));
        await call.StaysSilentAsync(TimeSpan.FromSeconds(2)); // less than the 3 s that end the recording
        await call.HangUpAsync();
        await call.EndsAsync();
        await call.RecordEventAsync();
        var message = Assert.Single(sim.AppServices!.GetRequiredService<VoicemailBox>().All);
        Assert.Equal(TimeSpan.FromSeconds(32), message.Length);
    }
}
