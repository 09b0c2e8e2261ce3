using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Ncco.Testing;

namespace VoicemailApp.Tests;

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
        var box = sim.App.Services.GetRequiredService<VoicemailBox>();
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
        var message = Assert.Single(sim.App.Services.GetRequiredService<VoicemailBox>().All);
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
        var message = Assert.Single(sim.App.Services.GetRequiredService<VoicemailBox>().All);
        Assert.Equal(TimeSpan.FromSeconds(32), message.Length);
    }

    [Fact]
    public async Task The_app_greets_and_stamps_messages_on_the_calls_virtual_clock()
    {
        await using var sim = await VoiceSimulator.StartAsync<Program>(o => o.StartTime = new DateTimeOffset(2026, 3, 2, 19, 30, 0, TimeSpan.Zero));
        var call = await sim.CallAsync(from: "447700900004", to: "447700900000");
        await call.HearsAsync("Good evening, you have reached Sam");
        await call.HearsAsync("beep");
        await call.SpeaksForAsync(TimeSpan.FromSeconds(4));
        await call.PressAsync("#");
        await call.RecordEventAsync();
        var message = Assert.Single(sim.App.Services.GetRequiredService<VoicemailBox>().All);
        Assert.Equal(sim.Now, message.ReceivedAt);
        Assert.Same(sim.Clock, sim.App.Services.GetRequiredService<TimeProvider>());
    }

    [Fact]
    public async Task The_app_is_reachable_from_the_test_and_its_services_can_be_replaced()
    {
        var seeded = new VoicemailBox();
        seeded.Add(new Voicemail("447700900009", "https://example/r/1", "r-1", default, default, 0, default));
        await using var sim = await VoiceSimulator.StartAsync<Program>(o => o.ConfigureServices(s => s.AddSingleton(seeded)));
        var call = await sim.CallAsync(from: "447700900005", to: "447700900000");
        await call.HearsAsync("Good morning"); // 09:00 UTC, the simulator's default start
        await call.HearsAsync("beep");
        await call.SpeaksForAsync(TimeSpan.FromSeconds(2));
        await call.PressAsync("#");
        await call.RecordEventAsync();
        using var client = sim.App.CreateClient();
        var list = await client.GetFromJsonAsync<List<Voicemail>>("/voicemails", TestContext.Current.CancellationToken);
        Assert.Equal(["447700900009", "447700900005"], list!.Select(v => v.From));
    }
}
