using Ncco.Calls;
using Ncco.Diagnostics;
using Ncco.Webhooks;

namespace Ncco.Host.Dashboard;

/// <summary>
/// The call log of the most recent legs (the test harness's <see cref="CallLog"/>: actions, webhook requests and
/// responses, what was played, what the party did), kept in memory for the dashboard's timeline. Bounded to
/// <see cref="Capacity"/> legs: the oldest log is forgotten first, so a busy host does not grow.
/// </summary>
public sealed class DashboardCallLogs(TimeProvider time) : IVmObserver
{
    /// <summary>Legs whose logs are kept.</summary>
    public const int Capacity = 200;

    private readonly Dictionary<string, CallLog> _logs = new(StringComparer.OrdinalIgnoreCase);
    private readonly LinkedList<string> _order = new();
    private readonly object _gate = new();

    /// <summary>The uuids of the legs logged, newest first.</summary>
    public IReadOnlyList<string> Recent
    {
        get { lock (_gate) return [.. _order.Reverse()]; }
    }

    /// <summary>The log of leg <paramref name="uuid"/>, or null when it is unknown or was forgotten.</summary>
    public CallLog? Find(string uuid)
    {
        lock (_gate) return _logs.GetValueOrDefault(uuid);
    }

    /// <summary>
    /// One log of several legs (a call and the legs it connected), entries in time order, times from the first one:
    /// what the timeline and its sequence diagram render.
    /// </summary>
    public CallLog Merge(IEnumerable<string> legUuids, Func<string, string> label)
    {
        ArgumentNullException.ThrowIfNull(legUuids);
        ArgumentNullException.ThrowIfNull(label);
        var entries = legUuids.Distinct(StringComparer.OrdinalIgnoreCase).Select(Find).Where(l => l is not null)
            .SelectMany(l => l!.Entries).OrderBy(e => e.At).ToList();
        var merged = new CallLog(entries.Count > 0 ? entries[0].At : time.GetUtcNow());
        foreach (var e in entries)
        {
            if (e.IsWebhook) merged.OnWebhook(e.At, e.LegId, e.Request!, e.Response!);
            else merged.OnActivity(e.At, e.LegId, e.Activity, e.Text);
        }
        foreach (var leg in entries.Select(e => e.LegId).OfType<string>().Distinct()) merged.Label(leg, label(leg));
        return merged;
    }

    /// <inheritdoc />
    public void OnWebhook(DateTimeOffset at, string? legId, WebhookRequest request, WebhookResponse response)
    {
        if (legId is not null) LogOf(legId, at).OnWebhook(at, legId, request, response);
    }

    /// <inheritdoc />
    public void OnActivity(DateTimeOffset at, string? legId, VmActivity activity, string message)
    {
        if (legId is not null) LogOf(legId, at).OnActivity(at, legId, activity, message);
    }

    private CallLog LogOf(string legId, DateTimeOffset at)
    {
        lock (_gate)
        {
            if (_logs.TryGetValue(legId, out var log)) return log;
            log = new CallLog(at);
            _logs[legId] = log;
            _order.AddLast(legId);
            while (_order.Count > Capacity)
            {
                _logs.Remove(_order.First!.Value);
                _order.RemoveFirst();
            }
            return log;
        }
    }
}
