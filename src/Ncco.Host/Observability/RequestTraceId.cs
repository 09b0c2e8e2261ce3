using System.Diagnostics;

namespace Ncco.Host.Observability;

/// <summary>
/// The trace id of an HTTP request: what <c>x-nexmo-trace-id</c> and every error body's <c>instance</c> carry.
/// </summary>
/// <remarks>
/// <para>It is the trace id of the request's activity when there is one (ASP.NET Core's hosting activity, which follows
/// an incoming W3C <c>traceparent</c>), else the <c>traceparent</c>'s own trace id, else a new random one: always 32
/// lowercase hex digits, and the same whether or not the hosting activity exists.</para>
/// <para>The hosting activity and its per-request log scope exist only while the
/// <c>Microsoft.AspNetCore.Hosting.Diagnostics</c> logger is enabled (or something listens to its activity source).
/// <c>ncco serve</c> turns that logger off by default: on <c>GET /v1/calls/{uuid}</c> the activity and the scope were
/// about 800 of the ≈ 1,400 bytes a request allocated (bench/Ncco.Host.Load/RESULTS.md), and with
/// <c>Microsoft.AspNetCore</c> at <c>Warning</c> the logger wrote nothing. This type gives the API the same trace id
/// without it.</para>
/// </remarks>
public static class RequestTraceId
{
    /// <summary>The response header that carries the trace id (as on Vonage).</summary>
    public const string HeaderName = "x-nexmo-trace-id";

    /// <summary>
    /// The request's trace id: the one already sent in <see cref="HeaderName"/> when the host's first middleware set it
    /// (so the header and an error body's <c>instance</c> always agree), else worked out now.
    /// </summary>
    public static string Of(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Response.Headers.TryGetValue(HeaderName, out var sent) && sent.Count == 1 && sent[0] is { Length: 32 } id ? id : Compute(context);
    }

    /// <summary>Works the trace id out from the request's activity, its <c>traceparent</c>, or at random.</summary>
    internal static string Compute(HttpContext context)
    {
        if (Activity.Current is { IdFormat: ActivityIdFormat.W3C } current) return current.TraceId.ToHexString();
        return Caller(context) is { } caller ? caller.TraceId.ToHexString() : ActivityTraceId.CreateRandom().ToHexString();
    }

    private static ActivityContext? Caller(HttpContext context) =>
        context.Request.Headers.TraceParent is [{ } parent] && ActivityContext.TryParse(parent, traceState: null, out var caller) ? caller : null;
}
