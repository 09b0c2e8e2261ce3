using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace Ncco.Host.Load;

/// <summary>
/// Samples what this process allocates, by type, from the runtime's <c>GCAllocationTick</c> events (one about every
/// 100 KB allocated, naming the type of the object that crossed the mark): over a long phase the shares approximate where
/// the bytes go. Used by <c>--alloc-profile</c> to find the host's per-request allocations without a profiler installed.
/// </summary>
internal sealed class AllocationSampler : EventListener
{
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private readonly ConcurrentDictionary<string, long> _bytes = new(StringComparer.Ordinal);
    private volatile bool _sampling;

    /// <summary>Starts counting.</summary>
    public void Start() => _sampling = true;

    /// <summary>Stops counting and returns the sampled bytes per type, largest first.</summary>
    public IReadOnlyList<(string Type, long Bytes)> Stop()
    {
        _sampling = false;
        return [.. _bytes.OrderByDescending(p => p.Value).Select(p => (p.Key, p.Value))];
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime") EnableEvents(eventSource, EventLevel.Verbose, GcKeyword);
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        // GCAllocationTick_V2 and later (event 10) carry the type name and the amount since the last tick.
        if (!_sampling || eventData.EventId != 10 || eventData.Payload is null || eventData.PayloadNames is null) return;
        var type = eventData.PayloadNames.IndexOf("TypeName") is var t and >= 0 ? eventData.Payload[t] as string ?? "?" : "?";
        var amount = eventData.PayloadNames.IndexOf("AllocationAmount64") is var a and >= 0 && eventData.Payload[a] is ulong big ? (long)big
            : eventData.PayloadNames.IndexOf("AllocationAmount") is var s and >= 0 && eventData.Payload[s] is uint small ? small : 0;
        _bytes.AddOrUpdate(type, amount, (_, total) => total + amount);
    }
}
