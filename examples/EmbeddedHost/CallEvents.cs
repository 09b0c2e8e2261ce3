using System.Collections.Concurrent;
using System.Text.Json;

namespace EmbeddedHost;

/// <summary>The call events this app's event webhook received, newest last (what a real app would store).</summary>
public sealed class CallEvents
{
    private readonly ConcurrentQueue<JsonElement> _events = new();

    /// <summary>Every event received so far.</summary>
    public IReadOnlyList<JsonElement> All => [.. _events];

    /// <summary>Records one event body.</summary>
    public void Add(JsonElement body) => _events.Enqueue(body);
}
