using Microsoft.Extensions.Logging;
using Ncco.Host.Observability;

namespace Ncco.Host.Tests.Operations;

public sealed class CallLoggingTests
{
    [Fact]
    public void Every_line_inside_a_call_scope_carries_the_call_uuid()
    {
        var provider = new ScopeCapturingProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(provider));
        var logger = factory.CreateLogger("test");

        using (logger.BeginCallScope("leg-1", "CON-1"))
        {
            logger.LogInformation("answered");
            logger.LogInformation("talk started");
        }
        logger.LogInformation("outside");

        Assert.Equal(3, provider.Lines.Count);
        Assert.All(provider.Lines.Take(2), line =>
        {
            Assert.Equal("leg-1", line.Properties["CallUuid"]);
            Assert.Equal("CON-1", line.Properties["ConversationUuid"]);
        });
        Assert.Empty(provider.Lines[2].Properties);
    }

    [Fact]
    public void The_conversation_is_optional_and_the_scope_reads_well_as_text()
    {
        Assert.Equal("Call leg-1", new CallLogScope("leg-1", null).ToString());
        Assert.Equal([new KeyValuePair<string, object?>("CallUuid", "leg-1")], new CallLogScope("leg-1", null));
        Assert.Equal("Call leg-1 in CON-1", new CallLogScope("leg-1", "CON-1").ToString());
    }

    private sealed class ScopeCapturingProvider : ILoggerProvider, ISupportExternalScope
    {
        private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

        public List<(string Message, Dictionary<string, object?> Properties)> Lines { get; } = [];

        public ILogger CreateLogger(string categoryName) => new Logger(this);

        public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

        public void Dispose()
        {
        }

        private sealed class Logger(ScopeCapturingProvider owner) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => owner._scopes.Push(state);

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var properties = new Dictionary<string, object?>();
                owner._scopes.ForEachScope((scope, p) =>
                {
                    if (scope is IEnumerable<KeyValuePair<string, object?>> pairs)
                    {
                        foreach (var (key, value) in pairs) p[key] = value;
                    }
                }, properties);
                owner.Lines.Add((formatter(state, exception), properties));
            }
        }
    }
}
