using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Logging;
using Ncco.Host.Legs.Sip;
using Ncco.Sip.Auth;
using Ncco.Sip.Dialogs;
using Ncco.Sip.Transport;

namespace Ncco.Host.Tests.Sip;

/// <summary>A trunk whose REGISTER cannot even be sent keeps being retried (and logged) until the host stops.</summary>
public sealed class SipTrunkRegistrationsTests
{
    [Fact]
    public async Task A_register_that_cannot_be_sent_is_retried_until_stopped_and_the_trunk_shows_unregistered()
    {
        var time = new FastTimers(1000);
        var logger = new ListLogger();
        await using var agent = SipUserAgent.Create(new IPEndPoint(IPAddress.Loopback, 0), time);
        agent.Start();
        // TLS to a trunk on a UA without a TLS listener: the REGISTER fails before it leaves, every time.
        var trunk = new SipTrunk("lab", "127.0.0.1", 5061, SipTransportKind.Tls, new DigestCredentials("u", "trunk-secret"),
            TimeSpan.FromSeconds(300), [""], null, null);
        using var stopping = new CancellationTokenSource();
        var registrations = new SipTrunkRegistrations(logger, null, time);
        registrations.Start(agent, [trunk], stopping.Token);

        using (var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
        {
            while (logger.Lines.Count(l => l.Contains("could not be sent", StringComparison.Ordinal)) < 3) await Task.Delay(10, limit.Token);
        }
        Assert.False(registrations.IsRegistered("lab"));
        Assert.DoesNotContain(logger.Lines, l => l.Contains("trunk-secret", StringComparison.Ordinal));

        await stopping.CancelAsync();
        await registrations.DisposeAsync();
        var after = logger.Lines.Count;
        await Task.Delay(200);
        Assert.Equal(after, logger.Lines.Count);
    }

    /// <summary>Real timers, <paramref name="speedUp"/> times faster: 30 s of retry delay pass in 30 ms.</summary>
    // Kept over FakeTimeProvider: the timers must fire by themselves on real threads while the test waits on real sockets.
    private sealed class FastTimers(int speedUp) : TimeProvider
    {
        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
            base.CreateTimer(callback, state, Scale(dueTime), Scale(period));

        private TimeSpan Scale(TimeSpan span) => span == Timeout.InfiniteTimeSpan ? span : span / speedUp;
    }

    private sealed class ListLogger : ILogger
    {
        private readonly ConcurrentQueue<string> _lines = new();

        public IReadOnlyCollection<string> Lines => _lines;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            _lines.Enqueue(formatter(state, exception));
    }
}
