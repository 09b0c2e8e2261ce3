using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace Ncco.Runtime.Benchmarks;

/// <summary>
/// Which types a stage allocates, by sampling the runtime's allocation-tick events (one per ~100 KB allocated, with the
/// type of the object that crossed the mark): over enough runs the counts are proportional to each type's bytes.
/// </summary>
internal sealed class AllocationSampler : EventListener
{
    private readonly ConcurrentDictionary<string, int> _counts = new();
    private volatile bool _on;

    public void Start() => _on = true;

    public void Stop() => _on = false;

    /// <summary>Types with their share of the sampled bytes, largest first.</summary>
    public IEnumerable<(string Type, double Share)> Shares()
    {
        var total = Math.Max(1, _counts.Values.Sum());
        return _counts.OrderByDescending(c => c.Value).Select(c => (c.Key, c.Value / (double)total));
    }

    protected override void OnEventSourceCreated(EventSource source)
    {
        // GC keyword (0x1), verbose: GCAllocationTick_V4 carries the type name.
        if (source.Name == "Microsoft-Windows-DotNETRuntime") EnableEvents(source, EventLevel.Verbose, (EventKeywords)0x1);
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (!_on || e.EventName is not { } name || !name.StartsWith("GCAllocationTick", StringComparison.Ordinal) || e.Payload is null) return;
        var index = e.PayloadNames!.IndexOf("TypeName");
        if (index >= 0 && e.Payload[index] is string type) _counts.AddOrUpdate(type, 1, (_, n) => n + 1);
    }
}
