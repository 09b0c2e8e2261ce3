using Microsoft.Extensions.Logging;
using Ncco.Calls;
using Ncco.Host.Calls;
using Ncco.Host.Observability;
using Ncco.Webhooks;

namespace Ncco.Host.Tests.Calls;

/// <summary>
/// The journaling observer opens a call's logging scope only around a line that is logged (issue 19: most activity lines
/// are Debug, off by default, and the scope cost ≈ 0.3 KB each); every line that is logged still carries the call's uuid.
/// </summary>
public sealed class JournalingObserverScopeTests
{
    [Fact]
    public void A_debug_line_with_debug_off_opens_no_scope_and_logs_nothing()
    {
        var logger = new ScopeLogger(LogLevel.Information);
        var observer = Observer(logger);

        observer.OnActivity(DateTimeOffset.UnixEpoch, "leg-1", VmActivity.Action, "talk started");
        observer.OnActivity(DateTimeOffset.UnixEpoch, "leg-1", VmActivity.Played, "played");

        Assert.Equal(0, logger.ScopesOpened);
        Assert.Empty(logger.Lines);
    }

    [Theory]
    [InlineData(LogLevel.Debug, VmActivity.Action)]
    [InlineData(LogLevel.Debug, VmActivity.Info)]
    [InlineData(LogLevel.Information, VmActivity.Error)]
    [InlineData(LogLevel.Warning, VmActivity.Warning)]
    public void A_line_that_is_logged_carries_the_call_uuid(LogLevel minimum, VmActivity activity)
    {
        var logger = new ScopeLogger(minimum);
        var observer = Observer(logger);

        observer.OnActivity(DateTimeOffset.UnixEpoch, "leg-1", activity, "something happened");

        var line = Assert.Single(logger.Lines);
        Assert.Equal("leg-1", line.CallUuid);
        Assert.Contains("something happened", line.Message, StringComparison.Ordinal);
        Assert.Equal(1, logger.ScopesOpened);
    }

    [Fact]
    public void Without_a_leg_there_is_no_scope_as_before()
    {
        var logger = new ScopeLogger(LogLevel.Debug);
        var observer = Observer(logger);

        observer.OnActivity(DateTimeOffset.UnixEpoch, null, VmActivity.Info, "no leg");

        var line = Assert.Single(logger.Lines);
        Assert.Null(line.CallUuid);
        Assert.Equal(0, logger.ScopesOpened);
    }

    [Fact]
    public void Every_webhook_kind_has_its_lower_case_metric_tag_the_same_string_every_time()
    {
        foreach (var kind in Enum.GetValues<WebhookKind>())
        {
            Assert.Equal(kind.ToString().ToLowerInvariant(), HostWebhookTransport.KindTag(kind));
            Assert.Same(HostWebhookTransport.KindTag(kind), HostWebhookTransport.KindTag(kind));
        }
    }

    // The activity lines used here touch neither the journal nor the metrics.
    private static JournalingVmObserver Observer(ILogger logger) => new("app-1", null!, null!, logger, _ => { }, _ => { });

    private sealed class ScopeLogger(LogLevel minimum) : ILogger
    {
        private readonly LoggerExternalScopeProvider _scopes = new();

        public int ScopesOpened { get; private set; }

        public List<(string Message, string? CallUuid)> Lines { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull
        {
            ScopesOpened++;
            return _scopes.Push(state);
        }

        public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            string? uuid = null;
            _scopes.ForEachScope((scope, _) =>
            {
                if (scope is CallLogScope s) uuid = s.CallUuid;
            }, (object?)null);
            Lines.Add((formatter(state, exception), uuid));
        }
    }
}
