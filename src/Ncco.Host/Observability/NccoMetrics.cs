using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Ncco.Host.Observability;

/// <summary>
/// The host's instruments, on the meter <see cref="MeterName"/>. Anything that listens to
/// <see cref="System.Diagnostics.Metrics"/> (the built-in Prometheus text endpoint, OpenTelemetry, dotnet-counters) sees them.
/// </summary>
public sealed class NccoMetrics : IDisposable
{
    /// <summary>The meter every Ncco host instrument belongs to.</summary>
    public const string MeterName = "Ncco.Host";

    private readonly Meter _meter;
    private readonly Counter<long> _started;
    private readonly Counter<long> _failed;
    private readonly UpDownCounter<long> _active;
    private readonly Histogram<double> _webhookLatency;
    private readonly Histogram<double> _setup;
    private readonly Counter<long> _rateLimited;
    private readonly Counter<long> _refused;
    private readonly Counter<long> _signInThrottled;

    /// <summary>Creates the instruments through <paramref name="meterFactory"/>.</summary>
    public NccoMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _meter = meterFactory.Create(MeterName);
        _started = _meter.CreateCounter<long>("ncco.calls.started", "{leg}", "Call legs created (inbound, outbound, connect).");
        _failed = _meter.CreateCounter<long>("ncco.calls.failed", "{leg}", "Call legs that ended without connecting (failed, busy, timeout, rejected, unanswered, cancelled).");
        _active = _meter.CreateUpDownCounter<long>("ncco.calls.active", "{leg}", "Call legs in progress.");
        _webhookLatency = _meter.CreateHistogram<double>("ncco.webhook.duration", "ms", "Time from sending a webhook to its response (or failure).");
        // Finer than the default boundaries below 100 ms, where an answer time's aim (tens of ms) lies.
        _setup = _meter.CreateHistogram<double>("ncco.sip.setup.duration", "ms",
            "Inbound SIP call setup by phase, from the INVITE's receipt to its 200 (phase total) and each step in between.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [1, 2, 5, 10, 20, 30, 40, 50, 75, 100, 150, 200, 300, 500, 1000, 2000, 5000] });
        _refused = _meter.CreateCounter<long>("ncco.calls.refused", "{call}", "New calls refused (by Ncco:Limits with 503 + Retry-After, or by the SIP gateway: unrouted 404, not_authenticated 403), by reason and transport.");
        _rateLimited = _meter.CreateCounter<long>("ncco.api.rate_limited", "{request}", "POST /v1/calls requests refused with 429.");
        _signInThrottled = _meter.CreateCounter<long>("ncco.auth.throttled", "{request}", "Basic sign-ins refused with 429 after too many failures from their source.");
    }

    /// <summary>A leg was created.</summary>
    public void CallStarted(string direction, string endpointType)
    {
        _started.Add(1, new TagList { { "direction", direction }, { "endpoint_type", endpointType } });
        _active.Add(1);
    }

    /// <summary>A leg ended with final status <paramref name="status"/>.</summary>
    public void CallEnded(string status, bool failed)
    {
        _active.Add(-1);
        if (failed) _failed.Add(1, new TagList { { "status", status } });
    }

    /// <summary>A webhook attempt finished (<paramref name="statusCode"/> 0 for timeouts and connection failures).</summary>
    public void WebhookCompleted(string kind, int statusCode, TimeSpan elapsed) =>
        _webhookLatency.Record(elapsed.TotalMilliseconds, new TagList { { "kind", kind }, { "status_code", statusCode } });

    /// <summary>
    /// One phase of an inbound SIP call's setup took <paramref name="elapsed"/> (<see cref="Legs.Sip.SetupClock"/> names
    /// the phases).
    /// </summary>
    public void SetupPhase(string phase, TimeSpan elapsed) =>
        _setup.Record(elapsed.TotalMilliseconds, new KeyValuePair<string, object?>("phase", phase));

    /// <summary>A Basic sign-in was refused with 429 (too many failures from its source).</summary>
    public void SignInThrottled() => _signInThrottled.Add(1);

    /// <summary>A call creation was refused by the outbound rate limit.</summary>
    public void RateLimited() => _rateLimited.Add(1);

    /// <summary>
    /// A new call refused: by <c>Ncco:Limits</c> (<paramref name="reason"/> <c>concurrent_calls</c> or <c>source_rate</c>),
    /// or by the SIP gateway (<c>unrouted</c>: no number or user matched; <c>not_authenticated</c>: a non-trunk caller
    /// under <c>Ncco:Sip:RequireAuthentication</c>).
    /// </summary>
    public void CallRefused(string reason, string transport) =>
        _refused.Add(1, new KeyValuePair<string, object?>("reason", reason), new KeyValuePair<string, object?>("transport", transport));

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();
}
