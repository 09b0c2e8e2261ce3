using Ncco.Calls;
using Ncco.Model;
using Ncco.Testing;

namespace Ncco.Vm.Tests;

/// <summary>
/// Issue 15: once the caller hangs up, the call's timeline (the call log the dashboard shows) ends with the hang-up;
/// the action after the one that was running is neither run nor logged.
/// </summary>
public class HangUpTimelineTests
{
    [Fact]
    public async Task Hang_up_during_a_talk_does_not_log_the_next_action()
    {
        var (sim, _) = Sim.With(NccoBuilder.Create().Talk("First prompt, long enough to hang up on.", loop: 3).Talk("Second prompt"));
        await using var _s = sim;
        var call = await sim.CallAsync("447700900001", "447700900000");
        await call.HearsAsync("First prompt");
        await call.HangUpAsync();
        await call.EndsAsync();
        var actions = Actions(sim);
        Assert.Contains(actions, a => a.Contains("First prompt", StringComparison.Ordinal));
        Assert.DoesNotContain(actions, a => a.Contains("Second prompt", StringComparison.Ordinal));
    }

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

    // The action lines of the timeline (the log also holds the answer webhook's body, which names every action).
    private static List<string> Actions(VoiceSimulator sim) =>
        sim.Log.Entries.Where(e => e.Activity == VmActivity.Action).Select(e => e.Text).ToList();
}
