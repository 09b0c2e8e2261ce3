using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text;

namespace Ncco.Host.Observability;

/// <summary>
/// Aggregates the measurements of the host's meters with a <see cref="MeterListener"/> and renders them in the
/// Prometheus text exposition format 0.0.4 (<c>GET /metrics</c>).
/// </summary>
/// <remarks>
/// <para>
/// Why our own exporter: the OpenTelemetry Prometheus exporter packages are not in the package registry this project
/// builds from, and the format is small and stable. Anything else that speaks <see cref="System.Diagnostics.Metrics"/>
/// (OpenTelemetry's OTLP exporter, <c>dotnet-counters</c>) can still listen to the same meter beside this one.
/// </para>
/// <para>
/// Counters and up-down counters keep a running sum per tag set; histograms keep cumulative buckets (the
/// instrument's advised boundaries, else OpenTelemetry's defaults), <c>_sum</c> and <c>_count</c>; synchronous gauges
/// keep the last value; observable instruments are read at each scrape and report exactly what their callbacks
/// return. Only meters created by this host's <see cref="IMeterFactory"/> are listened to: a meter made with
/// <c>new Meter(…)</c> has no scope and could belong to any host in the process, so several hosts in one process
/// (tests) never see each other's numbers.
/// </para>
/// </remarks>
public sealed class PrometheusMetricsExporter : IDisposable
{
    /// <summary>The content type of the text exposition format 0.0.4.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>Histogram boundaries used when an instrument advises none (OpenTelemetry's defaults, suited to milliseconds).</summary>
    public static readonly IReadOnlyList<double> DefaultBucketBoundaries = [0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000];

    private readonly IMeterFactory _meterFactory;
    private readonly HashSet<string> _meterNames;
    private readonly MeterListener _listener;
    private readonly ConcurrentDictionary<Instrument, InstrumentState> _instruments = new();
    private readonly Lock _collecting = new();

    /// <summary>Starts listening to the meters named <paramref name="meterNames"/> created by <paramref name="meterFactory"/>.</summary>
    public PrometheusMetricsExporter(IMeterFactory meterFactory, IReadOnlyCollection<string> meterNames)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        ArgumentNullException.ThrowIfNull(meterNames);
        _meterFactory = meterFactory;
        _meterNames = new HashSet<string>(meterNames, StringComparer.Ordinal);
        _listener = new MeterListener
        {
            InstrumentPublished = OnInstrumentPublished,
            MeasurementsCompleted = (instrument, _) => _instruments.TryRemove(instrument, out InstrumentState? _),
        };
        _listener.SetMeasurementEventCallback<byte>((i, v, t, s) => Record(s, v, t));
        _listener.SetMeasurementEventCallback<short>((i, v, t, s) => Record(s, v, t));
        _listener.SetMeasurementEventCallback<int>((i, v, t, s) => Record(s, v, t));
        _listener.SetMeasurementEventCallback<long>((i, v, t, s) => Record(s, v, t));
        _listener.SetMeasurementEventCallback<float>((i, v, t, s) => Record(s, v, t));
        _listener.SetMeasurementEventCallback<double>((i, v, t, s) => Record(s, v, t));
        _listener.SetMeasurementEventCallback<decimal>((i, v, t, s) => Record(s, (double)v, t));
        _listener.Start();
    }

    /// <summary>Reads the observable instruments and renders every series in the text exposition format.</summary>
    public string Collect()
    {
        var text = new StringBuilder(4096);
        // One scrape at a time: observable series are rebuilt from their callbacks on each scrape.
        lock (_collecting)
        {
            foreach (var state in _instruments.Values)
            {
                if (state.Kind is InstrumentKind.ObservableCounter or InstrumentKind.ObservableUpDownCounter or InstrumentKind.ObservableGauge) state.Series.Clear();
            }
            _listener.RecordObservableInstruments();
            Write(text);
        }
        return text.ToString();
    }

    /// <inheritdoc />
    public void Dispose() => _listener.Dispose();

    private void OnInstrumentPublished(Instrument instrument, MeterListener listener)
    {
        var meter = instrument.Meter;
        if (!_meterNames.Contains(meter.Name)) return;
        if (!ReferenceEquals(meter.Scope, _meterFactory)) return;
        var kind = KindOf(instrument);
        if (kind is null) return;

        var state = new InstrumentState(instrument, kind.Value);
        _instruments[instrument] = state;
        listener.EnableMeasurementEvents(instrument, state);
    }

    private static void Record<T>(object? state, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags) where T : struct, IConvertible =>
        Record(state, value.ToDouble(System.Globalization.CultureInfo.InvariantCulture), tags);

    private static void Record(object? state, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (state is not InstrumentState instrument) return;
        var series = instrument.Series.GetOrAdd(instrument.Labels.Get(tags, LabelText), static (_, s) => new Series(s.Bounds?.Length), instrument);
        lock (series)
        {
            switch (instrument.Kind)
            {
                case InstrumentKind.Counter:
                case InstrumentKind.UpDownCounter:
                    series.Value += value;
                    break;
                case InstrumentKind.Histogram:
                    var bounds = instrument.Bounds!;
                    var bucket = 0;
                    while (bucket < bounds.Length && value > bounds[bucket]) bucket++;
                    series.Buckets![bucket]++;
                    series.Value += value;
                    series.Count++;
                    break;
                default:
                    // Gauges and observable instruments report the current (or cumulative) value itself.
                    series.Value = value;
                    break;
            }
        }
    }

    // The label set as it appears between the braces, sorted by name so the same tags in another order are one series.
    private static string LabelText(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.IsEmpty) return string.Empty;
        var pairs = new KeyValuePair<string, string>[tags.Length];
        for (var i = 0; i < tags.Length; i++) pairs[i] = new(PrometheusNaming.LabelName(tags[i].Key), PrometheusNaming.EscapeLabelValue(PrometheusNaming.TagValueText(tags[i].Value)));
        Array.Sort(pairs, static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        var text = new StringBuilder();
        foreach (var (name, value) in pairs)
        {
            if (text.Length > 0) text.Append(',');
            text.Append(name).Append("=\"").Append(value).Append('"');
        }
        return text.ToString();
    }

    private void Write(StringBuilder text)
    {
        // Instruments that map to one metric name (the same instrument on two meters) are written as one family.
        foreach (var family in _instruments.Values.GroupBy(s => s.MetricName, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var first = family.First();
            var help = family.Select(s => s.Instrument.Description).FirstOrDefault(d => !string.IsNullOrEmpty(d));
            if (help is not null) text.Append("# HELP ").Append(family.Key).Append(' ').Append(PrometheusNaming.EscapeHelp(help)).Append('\n');
            text.Append("# TYPE ").Append(family.Key).Append(' ').Append(first.PrometheusType).Append('\n');

            var series = family.SelectMany(s => s.Series.Select(p => (State: s, Labels: p.Key, Series: p.Value)))
                .OrderBy(s => s.Labels, StringComparer.Ordinal);
            foreach (var (state, labels, values) in series)
            {
                lock (values)
                {
                    if (state.Kind == InstrumentKind.Histogram) WriteHistogram(text, family.Key, labels, state.Bounds!, values);
                    else WriteSample(text, family.Key, labels, values.Value);
                }
            }
        }
    }

    private static void WriteHistogram(StringBuilder text, string name, string labels, double[] bounds, Series values)
    {
        var prefix = labels.Length == 0 ? string.Empty : labels + ",";
        long cumulative = 0;
        for (var i = 0; i < bounds.Length; i++)
        {
            cumulative += values.Buckets![i];
            WriteSample(text, name + "_bucket", prefix + "le=\"" + PrometheusNaming.FormatValue(bounds[i]) + "\"", cumulative);
        }
        WriteSample(text, name + "_bucket", prefix + "le=\"+Inf\"", values.Count);
        WriteSample(text, name + "_sum", labels, values.Value);
        WriteSample(text, name + "_count", labels, values.Count);
    }

    private static void WriteSample(StringBuilder text, string name, string labels, double value)
    {
        text.Append(name);
        if (labels.Length > 0) text.Append('{').Append(labels).Append('}');
        text.Append(' ').Append(PrometheusNaming.FormatValue(value)).Append('\n');
    }

    private static InstrumentKind? KindOf(Instrument instrument)
    {
        if (!instrument.GetType().IsGenericType) return null;
        var definition = instrument.GetType().GetGenericTypeDefinition();
        if (definition == typeof(Counter<>)) return InstrumentKind.Counter;
        if (definition == typeof(UpDownCounter<>)) return InstrumentKind.UpDownCounter;
        if (definition == typeof(Histogram<>)) return InstrumentKind.Histogram;
        if (definition == typeof(Gauge<>)) return InstrumentKind.Gauge;
        if (definition == typeof(ObservableCounter<>)) return InstrumentKind.ObservableCounter;
        if (definition == typeof(ObservableUpDownCounter<>)) return InstrumentKind.ObservableUpDownCounter;
        if (definition == typeof(ObservableGauge<>)) return InstrumentKind.ObservableGauge;
        return null;
    }

    private static double[] HistogramBounds(Instrument instrument)
    {
        IEnumerable<double>? advised = instrument switch
        {
            Instrument<double> d => d.Advice?.HistogramBucketBoundaries,
            Instrument<float> f => f.Advice?.HistogramBucketBoundaries?.Select(b => (double)b),
            Instrument<long> l => l.Advice?.HistogramBucketBoundaries?.Select(b => (double)b),
            Instrument<int> i => i.Advice?.HistogramBucketBoundaries?.Select(b => (double)b),
            Instrument<short> s => s.Advice?.HistogramBucketBoundaries?.Select(b => (double)b),
            Instrument<byte> b => b.Advice?.HistogramBucketBoundaries?.Select(v => (double)v),
            Instrument<decimal> m => m.Advice?.HistogramBucketBoundaries?.Select(v => (double)v),
            _ => null,
        };
        return (advised ?? DefaultBucketBoundaries).Where(double.IsFinite).Distinct().Order().ToArray();
    }

    private enum InstrumentKind
    {
        Counter,
        UpDownCounter,
        Histogram,
        Gauge,
        ObservableCounter,
        ObservableUpDownCounter,
        ObservableGauge,
    }

    private sealed class InstrumentState
    {
        public InstrumentState(Instrument instrument, InstrumentKind kind)
        {
            Instrument = instrument;
            Kind = kind;
            var monotonic = kind is InstrumentKind.Counter or InstrumentKind.ObservableCounter;
            MetricName = PrometheusNaming.MetricName(instrument.Name, instrument.Unit, monotonic);
            PrometheusType = kind switch
            {
                InstrumentKind.Histogram => "histogram",
                InstrumentKind.Counter or InstrumentKind.ObservableCounter => "counter",
                _ => "gauge",
            };
            if (kind == InstrumentKind.Histogram) Bounds = HistogramBounds(instrument);
        }

        public Instrument Instrument { get; }

        public InstrumentKind Kind { get; }

        public string MetricName { get; }

        public string PrometheusType { get; }

        public double[]? Bounds { get; }

        public ConcurrentDictionary<string, Series> Series { get; } = new(StringComparer.Ordinal);

        public LabelTextCache Labels { get; } = new();
    }

    private sealed class Series(int? boundCount)
    {
        // Sum for counters and histograms, last value for gauges.
        public double Value { get; set; }

        public long Count { get; set; }

        // One bucket per boundary plus the +Inf overflow; counts are per bucket and made cumulative when written.
        public long[]? Buckets { get; } = boundCount is { } n ? new long[n + 1] : null;
    }
}
