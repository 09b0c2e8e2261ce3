namespace Ncco.Host.Configuration;

/// <summary>
/// Admission limits for new calls (<c>Ncco:Limits</c>). They protect the host from a flood of inbound calls — an
/// unauthenticated SIP INVITE flood to a routed number costs a leg, a VM turn and media state per call — and are
/// answered as a carrier would: SIP <c>503 Service Unavailable</c> with <c>Retry-After</c>, or HTTP 503 with a
/// <c>Retry-After</c> header on <c>POST /v1/calls</c>. Every refusal is counted in <c>ncco_calls_refused_total</c>.
/// </summary>
public sealed class LimitsOptions
{
    /// <summary>
    /// Call legs live at once on this host (inbound, outbound and connected legs all count) beyond which new inbound
    /// and REST-created calls are refused. Default 1000; 0 or less turns the limit off.
    /// </summary>
    public int MaxConcurrentCalls { get; set; } = 1000;

    /// <summary>
    /// New inbound calls one source address may place per second (a token bucket: bursts up to this many at once).
    /// Default 10; 0 or less turns it off. A SIP trunk that carries many callers from one address needs this raised.
    /// </summary>
    public double CallsPerSecondPerSource { get; set; } = 10;

    /// <summary>
    /// Largest HTTP request body any endpoint reads, in bytes. Default 1048576 (1 MiB: an NCCO, an application or a
    /// call is a few kilobytes). A request declaring more gets 413 with a JSON body naming the limit before anything
    /// is read; a chunked body is cut off at the limit by the server. WebSocket upgrades are not affected.
    /// </summary>
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Source addresses whose rate is tracked at once; the least recently seen are forgotten beyond it. Default 10000.</summary>
    public int MaxTrackedSources { get; set; } = 10_000;
}
