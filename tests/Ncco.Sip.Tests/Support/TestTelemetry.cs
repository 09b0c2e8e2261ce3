using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;

namespace Ncco.Sip.Tests.Support;

/// <summary>
/// A logger factory that keeps every entry, and a meter factory whose meters only this test's listener reads (tests run in
/// parallel, each with meters of the same name).
/// </summary>
internal sealed class TestTelemetry : ILoggerFactory, IMeterFactory
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, double> _values = new();

    public TestTelemetry()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, this)) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => _values[Key(instrument.Name, tags)] = value);
        _listener.Start();
    }

    public ConcurrentQueue<(LogLevel Level, string Message, Exception? Error)> Entries { get; } = new();

    /// <summary>The value an observable instrument reports now, for the series with exactly these tags (name=value, …).</summary>
    public double Read(string instrument, params string[] tags)
    {
        _values.Clear();
        _listener.RecordObservableInstruments();
        return _values.TryGetValue(instrument + "|" + string.Join(",", tags.Order(StringComparer.Ordinal)), out var value) ? value : 0;
    }

    private static string Key(string name, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var parts = new List<string>();
        foreach (var tag in tags) parts.Add($"{tag.Key}={tag.Value}");
        return name + "|" + string.Join(",", parts.Order(StringComparer.Ordinal));
    }

    public Meter Create(MeterOptions options) => new(options.Name, options.Version, options.Tags, this);

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose() => _listener.Dispose();

    private sealed class Logger(TestTelemetry owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Entries.Enqueue((logLevel, formatter(state, exception), exception));
    }
}
