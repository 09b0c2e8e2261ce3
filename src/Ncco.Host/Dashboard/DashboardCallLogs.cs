using Microsoft.Extensions.Options;
using Ncco.Calls;
using Ncco.Diagnostics;
using Ncco.Webhooks;

namespace Ncco.Host.Dashboard;

/// <summary>
/// The call log of the most recent legs (what the test harness's <see cref="CallLog"/> shows: actions, webhook requests
/// and responses, what was played, what the party did), kept in memory for the dashboard's timeline. Bounded twice:
/// <see cref="DashboardOptions.MaxCallLogs"/> legs (the oldest leg's log is forgotten first), and each leg's log to
/// <see cref="DashboardOptions.MaxLogEntriesPerLeg"/> entries and <see cref="DashboardOptions.MaxLogBytesPerLeg"/> bytes
/// (<see cref="DashboardLegLog"/>: the oldest detail goes, the start and end stay, and the timeline says what was left
/// out). So the logs cost at most legs × bytes per leg, however busy or hostile the calls.
/// </summary>
public sealed class DashboardCallLogs : IVmObserver
{
    private readonly Dictionary<string, DashboardLegLog> _logs = new(StringComparer.OrdinalIgnoreCase);
    private readonly LinkedList<string> _order = new();
    private readonly object _gate = new();
    private readonly TimeProvider _time;
    private readonly int _maxLegs;
    private readonly int _maxEntries;
    private readonly long _maxBytes;

    /// <summary>Creates the logs with the caps of <paramref name="options"/>.</summary>
    public DashboardCallLogs(TimeProvider time, IOptions<DashboardOptions> options)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(options);
        _time = time;
        _maxLegs = options.Value.MaxCallLogs;
        _maxEntries = options.Value.MaxLogEntriesPerLeg;
        _maxBytes = options.Value.MaxLogBytesPerLeg;
    }

    /// <summary>Legs whose logs are kept at most.</summary>
    public int Capacity => _maxLegs;

    /// <summary>The uuids of the legs logged, newest first.</summary>
    public IReadOnlyList<string> Recent
    {
        get { lock (_gate) return [.. _order.Reverse()]; }
    }

    /// <summary>Bytes the logs hold now, as estimated by each leg's log (at most <see cref="Capacity"/> × the per-leg cap).</summary>
    public long Bytes
    {
        get
        {
            List<DashboardLegLog> logs;
            lock (_gate) logs = [.. _logs.Values];
            return logs.Sum(l => l.Bytes);
        }
    }

    /// <summary>
    /// The log of leg <paramref name="uuid"/>, or null when it is unknown or was forgotten. Entries left out to keep the
    /// log within its caps are shown as one warning entry where they were.
    /// </summary>
    public CallLog? Find(string uuid) => LogOf(uuid) is { } log ? Replay(log.Snapshot(), _time) : null;

    /// <summary>How many entries (and bytes) of leg <paramref name="uuid"/> were left out; (0, 0) when none or unknown.</summary>
    public (long Entries, long Bytes) Dropped(string uuid) => LogOf(uuid) is { } log ? (log.DroppedEntries, log.DroppedBytes) : (0, 0);

    /// <summary>
    /// One log of several legs (a call and the legs it connected), entries in time order, times from the first one:
    /// what the timeline and its sequence diagram render.
    /// </summary>
    public CallLog Merge(IEnumerable<string> legUuids, Func<string, string> label)
    {
        ArgumentNullException.ThrowIfNull(legUuids);
        ArgumentNullException.ThrowIfNull(label);
        var entries = legUuids.Distinct(StringComparer.OrdinalIgnoreCase).Select(LogOf).Where(l => l is not null)
            .SelectMany(l => l!.Snapshot()).OrderBy(e => e.At).ToList();
        var merged = Replay(entries, _time);
        foreach (var leg in entries.Select(e => e.LegId).OfType<string>().Distinct()) merged.Label(leg, label(leg));
        return merged;
    }

    /// <inheritdoc />
    public void OnWebhook(DateTimeOffset at, string? legId, WebhookRequest request, WebhookResponse response)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(response);
        if (legId is not null) LogFor(legId).OnWebhook(at, request, response);
    }

    /// <inheritdoc />
    public void OnActivity(DateTimeOffset at, string? legId, VmActivity activity, string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (legId is not null) LogFor(legId).OnActivity(at, activity, message);
    }

    private static CallLog Replay(IReadOnlyList<CallLogEntry> entries, TimeProvider time)
    {
        var log = new CallLog(entries.Count > 0 ? entries[0].At : time.GetUtcNow());
        foreach (var e in entries)
        {
            if (e.IsWebhook) log.OnWebhook(e.At, e.LegId, e.Request!, e.Response!);
            else log.OnActivity(e.At, e.LegId, e.Activity, e.Text);
        }
        return log;
    }

    private DashboardLegLog? LogOf(string uuid)
    {
        lock (_gate) return _logs.GetValueOrDefault(uuid);
    }

    private DashboardLegLog LogFor(string legId)
    {
        lock (_gate)
        {
            if (_logs.TryGetValue(legId, out var log)) return log;
            log = new DashboardLegLog(legId, _maxEntries, _maxBytes);
            _logs[legId] = log;
            _order.AddLast(legId);
            while (_order.Count > _maxLegs)
            {
                _logs.Remove(_order.First!.Value);
                _order.RemoveFirst();
            }
            return log;
        }
    }
}
