using System.Runtime.CompilerServices;
using Ncco.Host.Calls;
using Ncco.Host.Http;

namespace Ncco.Host.Rest;

/// <summary>
/// The <c>GET /v1/calls/{uuid}</c> body of a call record the journal holds, written once per record instance. A
/// <see cref="CallRecord"/> is immutable (every status change is a new record), so the same instance always has the
/// same JSON: a client polling a live call, or reading a finished one again, gets the bytes written for the first read
/// instead of formatting times and escaping strings on every request (the largest share of the endpoint's own work
/// under load).
/// </summary>
/// <remarks>
/// Keyed by reference and held weakly (<see cref="ConditionalWeakTable{TKey,TValue}"/>): an entry lives exactly as long
/// as its record, so the cache needs no bound of its own — the journal's bound on the records it keeps is the bound.
/// Records read from the store are new instances on every read and are not cached (the entry would die with the request).
/// </remarks>
public sealed class CallResponseCache
{
    private readonly ConditionalWeakTable<CallRecord, Utf8JsonResult> _responses = new();

    /// <summary>The 200 response for <paramref name="call"/>, which the journal holds.</summary>
    public Utf8JsonResult For(CallRecord call)
    {
        ArgumentNullException.ThrowIfNull(call);
        return _responses.TryGetValue(call, out var cached) ? cached : _responses.GetValue(call, Write);
    }

    /// <summary>The 200 response for <paramref name="call"/> read from the store (not cached).</summary>
    public static Utf8JsonResult Write(CallRecord call) => Utf8JsonResult.Create(w => CallJson.Write(w, call));
}
