using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Ncco.Host.Legs.Sip;

namespace Ncco.Host.Tests.Sip;

/// <summary>
/// <see cref="ProcessStallWatch"/> on a clock moved by hand, its ticks run by the test: a gap between ticks over the
/// threshold is a stall, seen at once while the next tick is overdue and for <see cref="ProcessStallWatch.Window"/>
/// after it; steady ticks, late by less than the threshold, are no stall.
/// </summary>
public sealed class ProcessStallWatchTests
{
    [Fact]
    public void Steady_ticks_are_no_stall()
    {
        var clock = new StepClock();
        using var watch = new ProcessStallWatch(clock, NullLogger.Instance);
        for (var i = 0; i < 50; i++)
        {
            // Each tick late by up to four periods: a loaded machine, not a stall.
            clock.Advance(ProcessStallWatch.Period * (1 + (i % 4)));
            watch.Tick();
            Assert.False(watch.JustStalled(), $"tick {i}");
        }
    }

    [Fact]
    public void An_overdue_tick_is_a_stall_before_the_next_tick_runs()
    {
        var clock = new StepClock();
        using var watch = new ProcessStallWatch(clock, NullLogger.Instance);
        clock.Advance(ProcessStallWatch.Period);
        watch.Tick();
        clock.Advance(ProcessStallWatch.Threshold);
        Assert.False(watch.JustStalled());
        // The process was stopped: time went on, no tick ran. An INVITE read now, before the first tick, is held.
        clock.Advance(TimeSpan.FromMilliseconds(1300));
        Assert.True(watch.JustStalled());
    }

    [Fact]
    public void A_stall_counts_for_the_window_after_the_first_tick_that_saw_it()
    {
        var clock = new StepClock();
        var logger = new CountingLogger();
        using var watch = new ProcessStallWatch(clock, logger);
        clock.Advance(TimeSpan.FromMilliseconds(1800));
        watch.Tick();
        Assert.Equal(1, logger.Warnings);
        Assert.True(watch.JustStalled());
        // Ticks go on at their pace: still "just stalled" until the window after the stall's end has passed.
        var elapsed = TimeSpan.Zero;
        while (elapsed + ProcessStallWatch.Period < ProcessStallWatch.Window)
        {
            clock.Advance(ProcessStallWatch.Period);
            elapsed += ProcessStallWatch.Period;
            watch.Tick();
            Assert.True(watch.JustStalled(), $"{elapsed.TotalMilliseconds} ms after the stall");
        }
        clock.Advance(ProcessStallWatch.Period);
        watch.Tick();
        Assert.False(watch.JustStalled());
        Assert.Equal(1, logger.Warnings);
    }

    [Fact]
    public void The_hold_is_shorter_than_the_window_and_the_threshold_than_the_fronts_timer()
    {
        // The shipped front gives up on a silent node after 1 s (deploy/kamailio/kamailio.cfg FR_TIMER): a shorter stall
        // cannot make it move a call, and the INVITEs a longer one left in the socket are all read within the window.
        Assert.True(ProcessStallWatch.Threshold < TimeSpan.FromSeconds(1));
        Assert.True(ProcessStallWatch.Hold <= ProcessStallWatch.Window);
    }

    private sealed class StepClock : TimeProvider
    {
        private long _ticks = 1;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;

        // The test runs each tick itself.
        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) => new NoTimer();

        private sealed class NoTimer : ITimer
        {
            public bool Change(TimeSpan dueTime, TimeSpan period) => true;

            public void Dispose()
            {
            }

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }

    private sealed class CountingLogger : ILogger
    {
        public int Warnings { get; private set; }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel == LogLevel.Warning && eventId.Id == 4050) Warnings++;
        }
    }
}
