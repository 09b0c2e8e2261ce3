using System.Collections.Concurrent;
using System.Threading.Channels;

namespace Ncco.Host.Calls;

/// <summary>
/// Keeps the current state of every live leg in memory (what <c>GET /v1/calls/{uuid}</c> reads, lock-free) and writes
/// every change and event to the <see cref="ICallRepository"/> in the background, batched into one transaction per
/// burst. The VM thread only enqueues: a slow disk never delays a call.
/// </summary>
/// <remarks>
/// The last <see cref="RecentlyEndedCapacity"/> legs that ended here stay readable from memory after they are written
/// (<see cref="Latest"/>), because clients poll a call right after it ends (the SDKs' <c>getCall</c> after a
/// <c>completed</c> event): without them each such <c>GET</c> is a store query, most of the request's cost. A finished
/// leg's record is final, so the copy cannot go stale; the bound keeps memory flat however many calls finish.
/// </remarks>
public sealed class CallJournal : BackgroundService
{
    private readonly Channel<Entry> _queue = Channel.CreateUnbounded<Entry>(new UnboundedChannelOptions { SingleReader = true });
    /// <summary>How many finished legs <see cref="Latest"/> answers from memory after they are written.</summary>
    public const int RecentlyEndedCapacity = 4096;

    private readonly ConcurrentDictionary<string, CallRecord> _live = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, CallRecord> _ended = new(StringComparer.OrdinalIgnoreCase);
    // Insertion order of _ended, oldest first; only the writer loop touches it.
    private readonly Queue<string> _endedOrder = new();
    private readonly ICallRepository _repository;
    private readonly ILogger<CallJournal> _logger;

    /// <summary>Creates the journal over <paramref name="repository"/>.</summary>
    public CallJournal(ICallRepository repository, ILogger<CallJournal> logger)
    {
        _repository = repository;
        _logger = logger;
    }

    /// <summary>The latest state of a leg that is live or not yet written; null otherwise.</summary>
    public CallRecord? Live(string uuid) => _live.GetValueOrDefault(uuid);

    /// <summary>
    /// The latest state of a leg that this node knows without asking the store: live, not yet written, or one of the
    /// last <see cref="RecentlyEndedCapacity"/> legs that ended here; null otherwise (read the store).
    /// </summary>
    public CallRecord? Latest(string uuid) => _live.GetValueOrDefault(uuid) ?? _ended.GetValueOrDefault(uuid);

    /// <summary>Legs currently held in memory.</summary>
    public IEnumerable<CallRecord> LiveCalls => _live.Values;

    /// <summary>Records the new state of a leg.</summary>
    public void Record(CallRecord call)
    {
        ArgumentNullException.ThrowIfNull(call);
        _live[call.Uuid] = call;
        _queue.Writer.TryWrite(new Entry(call, null, null));
    }

    /// <summary>Appends an event to a leg's history.</summary>
    public void Append(CallEventRecord callEvent)
    {
        ArgumentNullException.ThrowIfNull(callEvent);
        _queue.Writer.TryWrite(new Entry(null, callEvent, null));
    }

    /// <summary>Completes once everything recorded before the call is in the repository.</summary>
    public Task FlushAsync(CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.Writer.TryWrite(new Entry(null, null, done))) return Task.CompletedTask;
        return done.Task.WaitAsync(cancellationToken);
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reader = _queue.Reader;
        var calls = new Dictionary<string, CallRecord>(StringComparer.OrdinalIgnoreCase);
        var events = new List<CallEventRecord>();
        var flushes = new List<TaskCompletionSource>();
        // Stopping completes the channel (StopAsync) rather than cancelling: what was queued is still written.
        while (await reader.WaitToReadAsync(CancellationToken.None))
        {
            while (calls.Count + events.Count < 1000 && reader.TryRead(out var entry))
            {
                if (entry.Call is { } c) calls[c.Uuid] = c;
                if (entry.Event is { } e) events.Add(e);
                if (entry.Flush is { } f) flushes.Add(f);
            }
            try
            {
                await _repository.WriteAsync([.. calls.Values], events, CancellationToken.None);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _logger.JournalNotStored(e, calls.Count, events.Count);
                await Task.Delay(TimeSpan.FromMilliseconds(200), CancellationToken.None);
                continue;
            }
            foreach (var call in calls.Values)
            {
                // Only forget a finished leg if nothing newer was recorded meanwhile.
                if (call.IsEnded && _live.TryRemove(new KeyValuePair<string, CallRecord>(call.Uuid, call))) RememberEnded(call);
            }
            calls.Clear();
            events.Clear();
            foreach (var f in flushes) f.TrySetResult();
            flushes.Clear();
        }
    }

    private void RememberEnded(CallRecord call)
    {
        if (_ended.TryAdd(call.Uuid, call)) _endedOrder.Enqueue(call.Uuid);
        else _ended[call.Uuid] = call;
        while (_endedOrder.Count > RecentlyEndedCapacity && _endedOrder.TryDequeue(out var oldest)) _ended.TryRemove(oldest, out _);
    }

    /// <inheritdoc />
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        if (ExecuteTask is { } running) await running.WaitAsync(cancellationToken);
        await base.StopAsync(cancellationToken);
    }

    private readonly record struct Entry(CallRecord? Call, CallEventRecord? Event, TaskCompletionSource? Flush);
}
