namespace Ncco.Testing.Time;

/// <summary>
/// The simulator's virtual clock as a <see cref="TimeProvider"/>: <see cref="GetUtcNow"/> is the call's time, and
/// timers (<see cref="TimeProvider.CreateTimer"/>, so <c>Task.Delay(d, timeProvider)</c>, <c>PeriodicTimer</c>,
/// <c>CancellationTokenSource(d, timeProvider)</c>) fire when virtual time reaches them, in order with the VM's own
/// timers. <see cref="VoiceSimulator.StartAsync{TProgram}"/> registers it as the app's <see cref="TimeProvider"/> service.
/// </summary>
/// <remarks>
/// Timer callbacks run on the simulation's thread with no synchronization context, so the app's code after an
/// awaited delay continues there (and its own awaits go where they would go in production). A webhook handler that
/// awaits a virtual delay holds its webhook in flight, and virtual time does not advance while a webhook is in flight
/// (as the platform would wait for the answer): such a handler fails the test after <see cref="SimulatorOptions.WebhookGuard"/>
/// of real time. Delay outside webhooks (background services, scheduled call-backs) instead.
/// </remarks>
public sealed class VirtualTimeProvider : TimeProvider
{
    private readonly VirtualScheduler _scheduler;
    private readonly TimeZoneInfo _zone;
    private int _armed;

    /// <summary>Timers of the app armed now (scheduled to fire): while any is, the app may still change the call by itself.</summary>
    internal int ArmedTimers => Volatile.Read(ref _armed);

    internal VirtualTimeProvider(VirtualScheduler scheduler, TimeZoneInfo zone)
    {
        _scheduler = scheduler;
        _zone = zone;
    }

    internal VirtualScheduler Scheduler => _scheduler;

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => _scheduler.UtcNow;

    /// <summary>The simulator's time zone (<see cref="SimulatorOptions.TimeZone"/>, UTC unless set), so local times are the same on every machine.</summary>
    public override TimeZoneInfo LocalTimeZone => _zone;

    /// <summary>Ticks of virtual time (a <see cref="System.Diagnostics.Stopwatch"/>-style timestamp that moves with the call).</summary>
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <inheritdoc />
    public override long GetTimestamp() => _scheduler.UtcNow.UtcTicks;

    /// <inheritdoc />
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new VirtualTimer(this, _scheduler, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    private sealed class VirtualTimer(VirtualTimeProvider owner, VirtualScheduler scheduler, TimerCallback callback, object? state) : ITimer
    {
        private readonly object _gate = new();
        private IDisposable? _pending;
        private TimeSpan _period = Timeout.InfiniteTimeSpan;
        private bool _disposed;

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            if (dueTime < TimeSpan.Zero && dueTime != Timeout.InfiniteTimeSpan) throw new ArgumentOutOfRangeException(nameof(dueTime));
            if (period < TimeSpan.Zero && period != Timeout.InfiniteTimeSpan) throw new ArgumentOutOfRangeException(nameof(period));
            lock (_gate)
            {
                if (_disposed) return false;
                Disarm();
                _period = period;
                if (dueTime != Timeout.InfiniteTimeSpan) Arm(scheduler.Schedule(dueTime, Fire));
                return true;
            }
        }

        private void Fire()
        {
            lock (_gate)
            {
                if (_disposed) return;
                _pending = null;
                Interlocked.Decrement(ref owner._armed);
                // A zero period means "once", as with System.Threading.Timer.
                if (_period != Timeout.InfiniteTimeSpan && _period > TimeSpan.Zero) Arm(scheduler.Schedule(_period, Fire));
            }
            // The app's code must not pick up the VM's synchronization context from here.
            var previous = SynchronizationContext.Current;
            SynchronizationContext.SetSynchronizationContext(null);
            try
            {
                callback(state);
            }
            finally
            {
                SynchronizationContext.SetSynchronizationContext(previous);
            }
        }

        public void Dispose()
        {
            lock (_gate)
            {
                _disposed = true;
                Disarm();
            }
        }

        private void Arm(IDisposable pending)
        {
            _pending = pending;
            Interlocked.Increment(ref owner._armed);
        }

        private void Disarm()
        {
            if (_pending is null) return;
            _pending.Dispose();
            _pending = null;
            Interlocked.Decrement(ref owner._armed);
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
