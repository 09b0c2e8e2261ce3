using Ncco.Calls;
using Ncco.Model;
using Ncco.Testing;

namespace Ncco.Vm.Tests;

/// <summary>
/// Issue 15: once the caller hangs up during an input, the call's timeline (the call log the dashboard shows) ends with
/// the hang-up; the action after the input is neither run nor logged. The same holds for a hang-up during a talk (the
/// talk's playback stops because the leg went away, which must not read as "the talk finished, go on"), a stream, a
/// record, a wait and a conversation.
/// </summary>
public class HangUpTimelineTests
{
    [Fact]
    public async Task Hang_up_during_an_input_does_not_log_the_next_action()
    {
        var (sim, _) = Sim.With(NccoBuilder.Create()
            .Talk("Press a key")
            .Input(InputTypes.Dtmf, dtmf: new() { MaxDigits = 1, Timeout = 10 })
            .Talk("After the input"));
        await using var _s = sim;
        var call = await sim.CallAsync("447700900001", "447700900000");
        await call.HearsAsync("Press a key");
        await call.HangUpAsync();
        await call.EndsAsync();
        var actions = Actions(sim);
        Assert.Contains(actions, a => a.StartsWith("input", StringComparison.Ordinal));
        Assert.DoesNotContain(actions, a => a.Contains("After the input", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Hang_up_during_a_talk_does_not_log_the_next_action()
    {
        var (sim, _) = Sim.With(NccoBuilder.Create()
            .Talk("A long welcome that the caller does not wait for", loop: 3)
            .Talk("After the talk")
            .Input(InputTypes.Dtmf, dtmf: new() { MaxDigits = 1, Timeout = 10 }));
        await using var _s = sim;
        var call = await sim.CallAsync("447700900001", "447700900000");
        await call.StartsHearingAsync("A long welcome");
        await call.HangUpAsync();
        await call.EndsAsync();
        var actions = Actions(sim);
        Assert.Single(actions, a => a.StartsWith("talk", StringComparison.Ordinal));
        Assert.DoesNotContain(actions, a => a.Contains("After the talk", StringComparison.Ordinal));
        Assert.DoesNotContain(actions, a => a.StartsWith("input", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Hang_up_during_a_stream_does_not_log_the_next_action()
    {
        var (sim, _) = Sim.With(NccoBuilder.Create()
            .Stream("https://example.com/hold.mp3")
            .Talk("After the stream"));
        await using var _s = sim;
        var call = await sim.CallAsync("447700900001", "447700900000");
        await call.StartsHearingAsync("hold.mp3");
        await call.HangUpAsync();
        await call.EndsAsync();
        var actions = Actions(sim);
        Assert.Contains(actions, a => a.StartsWith("stream", StringComparison.Ordinal));
        Assert.DoesNotContain(actions, a => a.Contains("After the stream", StringComparison.Ordinal));
    }

    // The other actions a caller can hang up in: the ending check sits before every next action, not in each handler.
    [Theory]
    [InlineData("record")]
    [InlineData("wait")]
    [InlineData("conversation")]
    public async Task Hang_up_during_a_waiting_action_does_not_log_the_next_action(string action)
    {
        var builder = NccoBuilder.Create().Talk("Before");
        builder = action switch
        {
            "record" => builder.Record(endOnKey: '#', timeout: 60),
            "wait" => builder.Wait(30),
            _ => builder.Conversation("hang-up-room-" + Guid.NewGuid()),
        };
        var (sim, _) = Sim.With(builder.Talk("After the " + action));
        await using var _s = sim;
        var call = await sim.CallAsync("447700900001", "447700900000");
        await call.HearsAsync("Before");
        await call.HangUpAsync();
        await call.EndsAsync();
        var actions = Actions(sim);
        Assert.Contains(actions, a => a.StartsWith(action, StringComparison.Ordinal));
        Assert.DoesNotContain(actions, a => a.Contains("After the", StringComparison.Ordinal));
    }

    // The action lines of the timeline (the log also holds the answer webhook's body, which names every action).
    private static List<string> Actions(VoiceSimulator sim) =>
        sim.Log.Entries.Where(e => e.Activity == VmActivity.Action).Select(e => e.Text).ToList();
}
