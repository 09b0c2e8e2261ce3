using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Ncco.Testing;

namespace HoldQueue.Tests;

/// <summary>
/// The app calls the Voice REST API: the simulator serves it (<c>ServeVoiceApi</c>) and hands its URL to the app as
/// configuration <c>VONAGE_API_HOST</c>; what the app does through it is heard, and ends calls, like an NCCO would.
/// </summary>
public class HoldQueueTests
{
    // The app tells the caller their place from a background task after answering the event, so its request races the
    // clock: the settle window (real time, paid once per webhook that is followed by a wait) keeps it at the instant of
    // the "answered" event. 500 ms rather than the default 200: a cold test process on a loaded CI machine is slow.
    private static Task<VoiceSimulator> StartAsync() => VoiceSimulator.StartAsync<Program>(o =>
    {
        o.ServeVoiceApi();
        o.VoiceApiSettle = TimeSpan.FromMilliseconds(500);
    });

    [Fact]
    public async Task A_caller_hears_their_place_and_is_transferred_to_the_agent_who_becomes_free()
    {
        await using var sim = await StartAsync();
        Assert.Equal(sim.VoiceApiUrl.GetLeftPart(UriPartial.Authority), sim.App.Services.GetRequiredService<IConfiguration>()["VONAGE_API_HOST"]);
        var call = await sim.CallAsync(from: "447700900001", to: "447700900000");
        await call.HearsAsync("please hold");
        await call.HearsAsync("You are number 1 in the queue");     // PUT /v1/calls/{uuid}/talk, from the app's background task
        Assert.Equal(call.Leg.AnsweredAt, call.Heard.Single(h => h.Playback.Text == "You are number 1 in the queue.").At);

        // The agents' dashboard says an agent is free: the app transfers the call through the API (between two steps).
        using var dashboard = sim.App.CreateClient();
        using var ready = await dashboard.PostAsync("/agents/447700900099/ready", null);
        ready.EnsureSuccessStatusCode();

        await call.HearsAsync("Connecting you to an agent");
        var agent = await sim.ExpectOutboundCallAsync(to: "447700900099");
        await agent.AnswerAsync();
        await agent.SaysAsync("Hello, this is Sam");
        await call.HearsPartyAsync(agent, "this is Sam");
        await call.HangUpAsync();
        await call.ReceivedEventAsync("completed");
    }

    [Fact]
    public async Task Two_callers_hear_their_places_in_order()
    {
        await using var sim = await StartAsync();
        var first = await sim.CallAsync(from: "447700900001", to: "447700900000");
        await first.HearsAsync("number 1 in the queue");
        var second = await sim.CallAsync(from: "447700900002", to: "447700900000");
        await second.HearsAsync("number 2 in the queue");
        await first.Not.HearsAsync("number 2");
    }

    [Fact]
    public async Task Closing_the_line_hangs_up_through_the_api_and_the_caller_gets_completed_by_the_platform()
    {
        await using var sim = await StartAsync();
        var call = await sim.CallAsync(from: "447700900001", to: "447700900000");
        await call.HearsAsync("number 1 in the queue");
        using var dashboard = sim.App.CreateClient();
        using var closed = await dashboard.PostAsync("/queue/close", null);
        closed.EnsureSuccessStatusCode();
        await call.EndsAsync();
        var completed = await call.ReceivedEventAsync("completed");
        Assert.Equal("platform", completed.Field("disconnected_by"));
        Assert.Equal(["started", "ringing", "answered", "completed"], call.Events.Select(e => e.Status).OfType<string>());
        Assert.Contains("hangup", sim.Log.RenderText(), StringComparison.Ordinal);
    }
}
