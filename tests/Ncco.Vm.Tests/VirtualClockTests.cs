using Ncco.Testing;
using Ncco.Testing.Hosting;

namespace Ncco.Vm.Tests;

/// <summary>The simulator's clock as a TimeProvider: now, Task.Delay, periodic timers and CancellationTokenSource timeouts on virtual time.</summary>
public class VirtualClockTests
{
    private static VoiceSimulator Idle() => VoiceSimulator.Start(new WebhookApp()
        .Map("/webhooks/answer", _ => """[{"action":"talk","text":"Hello"}]""")
        .Map("/webhooks/event", _ => null));

    [Fact]
    public async Task Now_is_the_virtual_time()
    {
        await using var sim = Idle();
        Assert.Equal(sim.Options.StartTime, sim.Clock.GetUtcNow());
        var started = sim.Clock.GetTimestamp();
        await sim.AdvanceAsync(TimeSpan.FromMinutes(90));
        Assert.Equal(sim.Options.StartTime.AddMinutes(90), sim.Clock.GetUtcNow());
        Assert.Equal(TimeSpan.FromMinutes(90), sim.Clock.GetElapsedTime(started));
        Assert.Equal(TimeZoneInfo.Utc, sim.Clock.LocalTimeZone);
    }

    [Fact]
    public async Task Task_Delay_completes_when_virtual_time_reaches_it_and_not_before()
    {
        await using var sim = Idle();
        var delay = Task.Delay(TimeSpan.FromSeconds(30), sim.Clock);
        await sim.AdvanceAsync(TimeSpan.FromSeconds(29));
        Assert.False(delay.IsCompleted);
        await sim.AdvanceAsync(TimeSpan.FromSeconds(1));
        Assert.True(delay.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task Periodic_timers_tick_in_virtual_time_until_disposed()
    {
        await using var sim = Idle();
        var ticks = new List<TimeSpan>();
        using (var timer = sim.Clock.CreateTimer(_ => ticks.Add(sim.Now - sim.Options.StartTime), null, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(5)))
        {
            await sim.AdvanceAsync(TimeSpan.FromSeconds(21));
            Assert.True(timer.Change(TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan));
            await sim.AdvanceAsync(TimeSpan.FromSeconds(5));
        }
        await sim.AdvanceAsync(TimeSpan.FromMinutes(1));
        Assert.Equal([TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(22)], ticks);
    }

    [Fact]
    public async Task A_cancellation_timeout_on_the_clock_fires_in_virtual_time()
    {
        await using var sim = Idle();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(5), sim.Clock);
        await sim.AdvanceAsync(TimeSpan.FromMinutes(4));
        Assert.False(cts.IsCancellationRequested);
        await sim.AdvanceAsync(TimeSpan.FromMinutes(1));
        Assert.True(cts.IsCancellationRequested);
    }

    [Fact]
    public async Task The_time_zone_is_configurable()
    {
        var zone = TimeZoneInfo.CreateCustomTimeZone("Test+2", TimeSpan.FromHours(2), "Test+2", "Test+2");
        await using var sim = VoiceSimulator.Start(new WebhookApp(), o => o.TimeZone = zone);
        Assert.Equal(11, sim.Clock.GetLocalNow().Hour);
    }

    [Fact]
    public async Task App_is_only_for_in_process_apps_and_says_so()
    {
        await using var sim = Idle();
        var e = Assert.Throws<InvalidOperationException>(() => sim.App);
        Assert.Contains("StartAsync<TProgram>", e.Message, StringComparison.Ordinal);
    }
}
