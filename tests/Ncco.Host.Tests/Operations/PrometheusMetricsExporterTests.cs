using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Ncco.Host.Observability;

namespace Ncco.Host.Tests.Operations;

public sealed class PrometheusMetricsExporterTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().AddSingleton<NccoMetrics>().BuildServiceProvider();
    private readonly PrometheusMetricsExporter _exporter;

    public PrometheusMetricsExporterTests() =>
        _exporter = new PrometheusMetricsExporter(_services.GetRequiredService<IMeterFactory>(), [NccoMetrics.MeterName]);

    private NccoMetrics Metrics => _services.GetRequiredService<NccoMetrics>();

    public void Dispose()
    {
        _exporter.Dispose();
        _services.Dispose();
    }

    [Fact]
    public void Counters_are_summed_per_tag_set_with_a_total_suffix()
    {
        Metrics.CallStarted("outbound", "websocket");
        Metrics.CallStarted("outbound", "websocket");
        Metrics.CallStarted("inbound", "sip");

        var text = PrometheusText.Parse(_exporter.Collect());

        Assert.Equal("counter", text.Types["ncco_calls_started_total"]);
        Assert.Equal(2, text.Value("ncco_calls_started_total", ("direction", "outbound"), ("endpoint_type", "websocket")));
        Assert.Equal(1, text.Value("ncco_calls_started_total", ("direction", "inbound"), ("endpoint_type", "sip")));
    }

    [Fact]
    public void Up_down_counters_are_gauges_that_go_down()
    {
        Metrics.CallStarted("outbound", "websocket");
        Metrics.CallStarted("outbound", "websocket");
        Metrics.CallStarted("outbound", "phone");
        Metrics.CallEnded("busy", failed: true);

        var text = PrometheusText.Parse(_exporter.Collect());

        Assert.Equal("gauge", text.Types["ncco_calls_active"]);
        Assert.Equal(2, text.Value("ncco_calls_active"));
        Assert.Equal(1, text.Value("ncco_calls_failed_total", ("status", "busy")));
    }

    [Fact]
    public void Histograms_have_cumulative_buckets_sum_and_count()
    {
        Metrics.WebhookCompleted("answer", 200, TimeSpan.FromMilliseconds(12));
        Metrics.WebhookCompleted("answer", 200, TimeSpan.FromMilliseconds(700));
        Metrics.WebhookCompleted("answer", 200, TimeSpan.FromMilliseconds(25));
        Metrics.WebhookCompleted("event", 0, TimeSpan.FromSeconds(20));

        var text = PrometheusText.Parse(_exporter.Collect());

        const string name = "ncco_webhook_duration_milliseconds";
        Assert.Equal("histogram", text.Types[name]);
        (string, string)[] answer = [("kind", "answer"), ("status_code", "200")];
        Assert.Equal(0, text.Value(name + "_bucket", [.. answer, ("le", "10")]));
        Assert.Equal(2, text.Value(name + "_bucket", [.. answer, ("le", "25")]));
        Assert.Equal(2, text.Value(name + "_bucket", [.. answer, ("le", "500")]));
        Assert.Equal(3, text.Value(name + "_bucket", [.. answer, ("le", "750")]));
        Assert.Equal(3, text.Value(name + "_bucket", [.. answer, ("le", "+Inf")]));
        Assert.Equal(737, text.Value(name + "_sum", answer));
        Assert.Equal(3, text.Value(name + "_count", answer));
        Assert.Equal(0, text.Value(name + "_bucket", ("kind", "event"), ("status_code", "0"), ("le", "10000")));
        Assert.Equal(1, text.Value(name + "_bucket", ("kind", "event"), ("status_code", "0"), ("le", "+Inf")));
    }

    [Fact]
    public void Advised_bucket_boundaries_are_used()
    {
        var meter = _services.GetRequiredService<IMeterFactory>().Create(NccoMetrics.MeterName);
        var histogram = meter.CreateHistogram<int>("ncco.media.jitter", "ms", "Jitter.", tags: null, advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4] });
        histogram.Record(3);

        var text = PrometheusText.Parse(_exporter.Collect());

        Assert.Equal(0, text.Value("ncco_media_jitter_milliseconds_bucket", ("le", "2")));
        Assert.Equal(1, text.Value("ncco_media_jitter_milliseconds_bucket", ("le", "4")));
        Assert.Equal(4, text.Samples.Count(s => s.Name == "ncco_media_jitter_milliseconds_bucket"));
    }

    [Fact]
    public void Observable_instruments_are_read_at_each_scrape()
    {
        var meter = _services.GetRequiredService<IMeterFactory>().Create(NccoMetrics.MeterName);
        var legs = 3;
        meter.CreateObservableGauge("ncco.media.legs_active", () => legs, "{leg}", "Legs with media.");
        meter.CreateObservableCounter("ncco.media.frames_late", () => new Measurement<long>(legs * 10L, new KeyValuePair<string, object?>("transport", "websocket")));

        var first = PrometheusText.Parse(_exporter.Collect());
        legs = 5;
        var second = PrometheusText.Parse(_exporter.Collect());

        Assert.Equal(3, first.Value("ncco_media_legs_active"));
        Assert.Equal(5, second.Value("ncco_media_legs_active"));
        Assert.Equal("counter", second.Types["ncco_media_frames_late_total"]);
        Assert.Equal(50, second.Value("ncco_media_frames_late_total", ("transport", "websocket")));
    }

    [Fact]
    public void Label_values_are_escaped_and_names_sanitised()
    {
        var meter = _services.GetRequiredService<IMeterFactory>().Create(NccoMetrics.MeterName);
        var counter = meter.CreateCounter<double>("ncco.test-odd.name", description: "Line one\nback\\slash");
        counter.Add(1.5, new KeyValuePair<string, object?>("peer.uri", "sip:\"x\"\\y\nz"));

        var output = _exporter.Collect();
        var text = PrometheusText.Parse(output);

        Assert.Contains("# HELP ncco_test_odd_name_total Line one\\nback\\\\slash\n", output);
        Assert.Equal(1.5, text.Value("ncco_test_odd_name_total", ("peer_uri", "sip:\"x\"\\y\nz")));
    }

    [Fact]
    public void Instruments_are_listed_before_anything_is_recorded()
    {
        _ = Metrics;

        var output = _exporter.Collect();

        Assert.Contains("# TYPE ncco_calls_started_total counter\n", output);
        Assert.Contains("# HELP ncco_api_rate_limited_total ", output);
        Assert.Empty(PrometheusText.Parse(output).Samples);
    }

    [Fact]
    public void Another_hosts_meters_are_not_counted()
    {
        using var other = new ServiceCollection().AddMetrics().AddSingleton<NccoMetrics>().BuildServiceProvider();
        other.GetRequiredService<NccoMetrics>().CallStarted("outbound", "phone");
        Metrics.CallStarted("inbound", "sip");

        var text = PrometheusText.Parse(_exporter.Collect());

        Assert.Single(text.Samples, s => s.Name == "ncco_calls_started_total");
        Assert.Equal(1, text.Value("ncco_calls_started_total", ("direction", "inbound")));
    }

    [Fact]
    public void Other_meters_are_ignored()
    {
        using var meter = new Meter("Somebody.Else");
        meter.CreateCounter<long>("other.counter").Add(1);

        Assert.DoesNotContain("other_counter", _exporter.Collect());
    }

    [Fact]
    public void Remembered_tag_sets_give_the_same_series_and_doubles_are_never_confused()
    {
        var meter = _services.GetRequiredService<IMeterFactory>().Create(NccoMetrics.MeterName);
        var counter = meter.CreateCounter<long>("ncco.test.cached");
        for (var i = 0; i < 5; i++)
        {
            counter.Add(1, new("kind", "answer"), new("status", 200));
            counter.Add(1, new("status", 200), new("kind", "answer"));
            counter.Add(1, new("kind", "answer"), new("status", 200L));
            counter.Add(1, new("kind", "event"), new("status", 204), new("ok", true), new("none", null));
            counter.Add(1, new("kind", "answer"), new("zero", 0.0));
            counter.Add(1, new("kind", "answer"), new("zero", -0.0));
        }

        var text = PrometheusText.Parse(_exporter.Collect());

        // The same tags in another order, or an int and a long that print alike, are one series, as before.
        Assert.Equal(15, text.Value("ncco_test_cached_total", ("kind", "answer"), ("status", "200")));
        Assert.Equal(5, text.Value("ncco_test_cached_total", ("kind", "event"), ("none", ""), ("ok", "true"), ("status", "204")));
        Assert.Equal(5, text.Value("ncco_test_cached_total", ("kind", "answer"), ("zero", "0")));
        Assert.Equal(5, text.Value("ncco_test_cached_total", ("kind", "answer"), ("zero", "-0")));
    }

    [Fact]
    public void A_measurement_with_tags_seen_before_allocates_nothing_in_the_exporter()
    {
        var meter = _services.GetRequiredService<IMeterFactory>().Create(NccoMetrics.MeterName);
        var histogram = meter.CreateHistogram<double>("ncco.test.alloc", "ms");
        var tags = new KeyValuePair<string, object?>[] { new("kind", "event"), new("status", "200") };
        histogram.Record(3, tags);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++) histogram.Record(i, tags);
        var bytes = GC.GetAllocatedBytesForCurrentThread() - before;

        // Before the cache each measurement built its label text: a sorted pair array, a builder and strings (≈ 600 B).
        Assert.True(bytes < 100 * 64, $"100 measurements allocated {bytes} B");
        Assert.Equal(101, PrometheusText.Parse(_exporter.Collect()).Value("ncco_test_alloc_milliseconds_count", ("kind", "event"), ("status", "200")));
    }

    [Fact]
    public void The_label_cache_is_bounded_and_renders_past_its_capacity()
    {
        var cache = new LabelTextCache();
        var rendered = 0;
        string Render(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            rendered++;
            return "id=\"" + tags[0].Value + "\"";
        }

        for (var i = 0; i < LabelTextCache.Capacity + 100; i++)
        {
            KeyValuePair<string, object?>[] tags = [new("id", i)];
            Assert.Equal($"id=\"{i}\"", cache.Get(tags, Render));
        }
        KeyValuePair<string, object?>[] first = [new("id", 0)];
        KeyValuePair<string, object?>[] past = [new("id", LabelTextCache.Capacity + 50)];
        cache.Get(first, Render);
        cache.Get(past, Render);

        Assert.Equal(LabelTextCache.Capacity, cache.Count);
        Assert.Equal(LabelTextCache.Capacity + 100 + 1, rendered);
    }
}
