using Ncco.Model;

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
        var log = sim.Log.RenderText();
        Assert.Contains("First prompt", log, StringComparison.Ordinal);
        Assert.DoesNotContain("Second prompt", log, StringComparison.Ordinal);
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
        var log = sim.Log.RenderText();
        Assert.Contains("input", log, StringComparison.Ordinal);
        Assert.DoesNotContain("After the input", log, StringComparison.Ordinal);
    }
}
