using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Ncco.Sip.Dialogs;
using Ncco.Sip.Messages;
using Ncco.Sip.Transport;

namespace Ncco.Sip.Diagnostics;

/// <summary>
/// Where the SIP stack reports what an operator must see: a handler failure (always a defect in this stack) is logged with
/// its exception, at most once per <see cref="FailureLogInterval"/> so a hostile peer that found one cannot flood the log,
/// and the stack's state is published as instruments on the meter <see cref="MeterName"/>:
/// </summary>
/// <remarks>
/// <list type="table">
/// <item><term><c>ncco.sip.handler.failures</c></term><description>counter: messages whose handling threw (each counted; logged at most once per interval).</description></item>
/// <item><term><c>ncco.sip.messages.rejected</c></term><description>counter, <c>outcome</c> = <c>answered</c> (400/505/513 sent) or <c>dropped</c>: messages refused by the parser, and responses not meant for us.</description></item>
/// <item><term><c>ncco.sip.transactions.active</c></term><description>gauge, <c>role</c> = <c>server</c> or <c>client</c>: live transactions.</description></item>
/// <item><term><c>ncco.sip.dialogs.active</c></term><description>gauge: live dialogs (calls).</description></item>
/// <item><term><c>ncco.sip.connections.active</c></term><description>gauge, <c>transport</c> = <c>tcp</c> or <c>tls</c>: open stream connections.</description></item>
/// <item><term><c>ncco.sip.connections.timed_out</c></term><description>counter, <c>transport</c>: connections cut at the header or whole-message deadline (slow-loris peers).</description></item>
/// <item><term><c>ncco.sip.connections.refused</c></term><description>counter, <c>transport</c>: connections refused at the per-source or total limit.</description></item>
/// </list>
/// <para>
/// All of them are observable instruments reading the stack's own counters when a listener collects, so the receive path
/// pays nothing for them. A leak shows as a gauge that does not return to zero once calls end; a failing handler as a
/// counter that moves. One instance may serve several user agents (their values are summed); each reports from
/// construction until it is disposed. Instruments are created through the given <see cref="IMeterFactory"/> (a host's
/// exporter listens to the meters its factory made), else on a meter of our own.
/// </para>
/// </remarks>
public sealed class SipDiagnostics : IDisposable
{
    /// <summary>The meter every SIP stack instrument belongs to.</summary>
    public const string MeterName = "Ncco.Sip";

    /// <summary>The default <see cref="FailureLogInterval"/>: 10 s.</summary>
    public static readonly TimeSpan DefaultFailureLogInterval = TimeSpan.FromSeconds(10);

    private readonly Meter? _ownedMeter;
    private readonly Lock _gate = new();
    private readonly List<SipTransportLayer> _layers = [];
    private readonly List<SipUserAgent> _agents = [];
    private readonly TimeProvider _time;
    private long? _lastLogged;
    private long _suppressed;

    /// <summary>Creates the reporting point.</summary>
    /// <param name="loggers">Where failures are logged (category <c>Ncco.Sip</c>); none when null.</param>
    /// <param name="meters">The factory the meter comes from (a host's, so its exporter sees it); a meter of our own when null.</param>
    /// <param name="time">The clock of the log interval (the system clock when null).</param>
    /// <param name="failureLogInterval">At most one failure log line per this interval (<see cref="DefaultFailureLogInterval"/> when null).</param>
    public SipDiagnostics(ILoggerFactory? loggers = null, IMeterFactory? meters = null, TimeProvider? time = null, TimeSpan? failureLogInterval = null)
    {
        Logger = (loggers ?? NullLoggerFactory.Instance).CreateLogger("Ncco.Sip");
        _time = time ?? TimeProvider.System;
        FailureLogInterval = failureLogInterval ?? DefaultFailureLogInterval;
        var meter = meters?.Create(MeterName) ?? (_ownedMeter = new Meter(MeterName));
        meter.CreateObservableCounter("ncco.sip.handler.failures", () => Sum(l => l.HandlerFailureCount), "{message}",
            "SIP messages whose handling threw inside the stack (a defect; logged at most once per interval).");
        meter.CreateObservableCounter("ncco.sip.messages.rejected", ObserveRejected, "{message}",
            "SIP messages refused: unparseable ones answered with 400/505/513 (outcome=answered) or dropped (outcome=dropped).");
        meter.CreateObservableGauge("ncco.sip.transactions.active", ObserveTransactions, "{transaction}",
            "Live SIP transactions (role=server or client).");
        meter.CreateObservableGauge("ncco.sip.dialogs.active", () => Agents().Sum(a => (long)a.DialogCount), "{dialog}",
            "Live SIP dialogs.");
        meter.CreateObservableGauge("ncco.sip.connections.active", () => ObserveStreams(t => t.ConnectionCount), "{connection}",
            "Open SIP stream connections (transport=tcp or tls).");
        meter.CreateObservableCounter("ncco.sip.connections.timed_out", () => ObserveStreams(t => t.TimedOutCount), "{connection}",
            "SIP stream connections closed at the header or whole-message deadline.");
        meter.CreateObservableCounter("ncco.sip.connections.refused", () => ObserveStreams(t => t.RefusedCount), "{connection}",
            "SIP stream connections refused at the per-source or total connection limit.");
    }

    /// <summary>The stack's logger (category <c>Ncco.Sip</c>).</summary>
    public ILogger Logger { get; }

    /// <summary>At most one handler-failure log line per this interval; the next line says how many were not logged.</summary>
    public TimeSpan FailureLogInterval { get; }

    /// <summary>Reports a message whose handling threw: counted by the layer, logged here unless a line went out within the interval.</summary>
    internal void HandlerFailed(Exception error, SipMessage? message, SipEndPoint source)
    {
        long suppressed;
        lock (_gate)
        {
            var now = _time.GetTimestamp();
            if (_lastLogged is { } last && _time.GetElapsedTime(last, now) < FailureLogInterval)
            {
                _suppressed++;
                return;
            }
            _lastLogged = now;
            suppressed = _suppressed;
            _suppressed = 0;
        }
        var what = message switch
        {
            SipRequest request => $"{request.Method} (Call-ID {Printable(request.Header(HeaderNames.CallId))})",
            SipResponse response => $"{response.StatusCode} response (Call-ID {Printable(response.Header(HeaderNames.CallId))})",
            _ => "message (unparsed)",
        };
        Logger.HandlerFailed(error, what, source, suppressed);
    }

    internal void Attach(SipTransportLayer layer)
    {
        lock (_gate) _layers.Add(layer);
    }

    internal void Detach(SipTransportLayer layer)
    {
        lock (_gate) _layers.Remove(layer);
    }

    internal void Attach(SipUserAgent agent)
    {
        lock (_gate) _agents.Add(agent);
    }

    internal void Detach(SipUserAgent agent)
    {
        lock (_gate) _agents.Remove(agent);
    }

    /// <inheritdoc />
    public void Dispose() => _ownedMeter?.Dispose();

    private SipTransportLayer[] Layers()
    {
        lock (_gate) return [.. _layers];
    }

    private SipUserAgent[] Agents()
    {
        lock (_gate) return [.. _agents];
    }

    private long Sum(Func<SipTransportLayer, long> read) => Layers().Sum(read);

    private IEnumerable<Measurement<long>> ObserveRejected()
    {
        var layers = Layers();
        var rejected = layers.Sum(l => l.RejectedCount);
        var dropped = layers.Sum(l => l.DroppedCount);
        return [new(rejected - dropped, new KeyValuePair<string, object?>("outcome", "answered")), new(dropped, new KeyValuePair<string, object?>("outcome", "dropped"))];
    }

    private IEnumerable<Measurement<long>> ObserveTransactions()
    {
        var agents = Agents();
        return
        [
            new(agents.Sum(a => (long)a.Layer.ServerCount), new KeyValuePair<string, object?>("role", "server")),
            new(agents.Sum(a => (long)a.Layer.ClientCount), new KeyValuePair<string, object?>("role", "client")),
        ];
    }

    private IEnumerable<Measurement<long>> ObserveStreams(Func<StreamSipTransport, long> read) =>
        Layers().SelectMany(l => l.Transports.Values.OfType<StreamSipTransport>())
            .GroupBy(t => t.Kind)
            .Select(g => new Measurement<long>(g.Sum(read), new KeyValuePair<string, object?>("transport", g.Key.ViaToken().ToLowerInvariant())));

    /// <summary>A header value as a log field: bounded and without control characters (it came from the peer).</summary>
    private static string Printable(string? value) =>
        value is null ? "-" : new string(value.Take(64).Select(c => char.IsControl(c) ? '?' : c).ToArray());
}
