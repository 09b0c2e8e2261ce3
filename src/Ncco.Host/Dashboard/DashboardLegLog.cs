using System.Globalization;
using Ncco.Calls;
using Ncco.Diagnostics;
using Ncco.Events;
using Ncco.Webhooks;

namespace Ncco.Host.Dashboard;

/// <summary>
/// One leg's log for the dashboard, bounded in entries and in bytes (<see cref="DashboardOptions.MaxLogEntriesPerLeg"/>,
/// <see cref="DashboardOptions.MaxLogBytesPerLeg"/>) whatever the leg does: an NCCO looping through 10,000 webhooks or
/// a webhook answering a megabyte costs the same few hundred kilobytes at most.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Each entry is slimmed before it counts: text cut to <see cref="MaxEntryChars"/> characters, a webhook's
/// request kept without its body and headers (the payload's JSON says what was sent; headers may carry credentials), its
/// response body cut to <see cref="MaxResponseBytes"/> bytes (the timeline shows 300 characters of it).</item>
/// <item>Over a cap, the oldest detail goes first. The leg's first entry (its start) and its status changes (its end
/// among them; at most <see cref="MaxPinned"/>) are pinned and never dropped; <see cref="Snapshot"/> puts a warning
/// where entries were left out, saying how many and how large, so the timeline never looks complete when it is not.</item>
/// </list>
/// </remarks>
internal sealed class DashboardLegLog(string legId, int maxEntries, long maxBytes)
{
    /// <summary>Longest text kept per entry.</summary>
    public const int MaxEntryChars = 4096;

    /// <summary>Longest webhook response body kept per entry.</summary>
    public const int MaxResponseBytes = 512;

    /// <summary>Entries pinned at most (the first entry and status changes).</summary>
    public const int MaxPinned = 16;

    // What the bookkeeping of one entry costs beside its strings (object headers, references, the timestamp).
    private const int EntryOverhead = 160;

    private readonly List<Item> _pinned = [];
    private readonly Queue<Item> _recent = new();
    private readonly Lock _gate = new();
    private long _bytes;
    private long _sequence;
    private long _droppedEntries;
    private long _droppedBytes;
    private DateTimeOffset _lastDroppedAt;
    private long _lastDroppedSequence;

    /// <summary>Bytes held now (estimated: UTF-16 text, payload JSON and the payload object, kept response bytes).</summary>
    public long Bytes
    {
        get { lock (_gate) return _bytes; }
    }

    /// <summary>Entries held now.</summary>
    public int Count
    {
        get { lock (_gate) return _pinned.Count + _recent.Count; }
    }

    /// <summary>Entries left out so far.</summary>
    public long DroppedEntries
    {
        get { lock (_gate) return _droppedEntries; }
    }

    /// <summary>Bytes of the entries left out so far (as they were held).</summary>
    public long DroppedBytes
    {
        get { lock (_gate) return _droppedBytes; }
    }

    /// <summary>Logs a webhook, slimmed.</summary>
    public void OnWebhook(DateTimeOffset at, WebhookRequest request, WebhookResponse response)
    {
        var json = request.PayloadJson.Length <= MaxEntryChars ? request.PayloadJson : Cut(request.PayloadJson);
        // The payload object is about as large as its JSON; an oversized one is replaced (only its kind is shown).
        WebhookPayload payload = request.PayloadJson.Length <= MaxEntryChars ? request.Payload : new OversizedPayload { Timestamp = request.Payload.Timestamp };
        // A GET's query repeats the payload; the timeline shows the path only.
        var uri = string.IsNullOrEmpty(request.Uri.Query) ? request.Uri : new Uri(request.Uri.GetLeftPart(UriPartial.Path));
        var slimRequest = new WebhookRequest(uri, request.Method, request.Kind, [], payload) { Attempt = request.Attempt, Timeout = request.Timeout, PayloadJson = json };
        var slimResponse = response.Body.Length <= MaxResponseBytes
            ? response
            : response with { Body = response.Body[..MaxResponseBytes].ToArray() };
        var size = EntryOverhead + (4L * json.Length) + (2L * uri.OriginalString.Length) + slimResponse.Body.Length;
        Add(new CallLogEntry(at, legId, VmActivity.Info, "") { Request = slimRequest, Response = slimResponse }, size, pin: false);
    }

    /// <summary>Logs an activity, its text cut to <see cref="MaxEntryChars"/>.</summary>
    public void OnActivity(DateTimeOffset at, VmActivity activity, string message)
    {
        var text = message.Length <= MaxEntryChars ? message : Cut(message);
        Add(new CallLogEntry(at, legId, activity, text), EntryOverhead + (2L * text.Length), pin: activity == VmActivity.Status);
    }

    /// <summary>
    /// The entries in the order they were logged, with a warning entry where entries were left out (naming how many,
    /// how large, and the settings that bound them).
    /// </summary>
    public IReadOnlyList<CallLogEntry> Snapshot()
    {
        lock (_gate)
        {
            var items = _pinned.Concat(_recent).OrderBy(i => i.Sequence).ToList();
            var entries = new List<CallLogEntry>(items.Count + 1);
            var marked = _droppedEntries == 0;
            foreach (var item in items)
            {
                if (!marked && item.Sequence > _lastDroppedSequence)
                {
                    entries.Add(Marker());
                    marked = true;
                }
                entries.Add(item.Entry);
            }
            if (!marked) entries.Add(Marker());
            return entries;
        }
    }

    private CallLogEntry Marker() => new(_lastDroppedAt, legId, VmActivity.Warning, string.Create(CultureInfo.InvariantCulture,
        $"dashboard log: {_droppedEntries} earlier entries of this leg ({_droppedBytes} bytes) were left out to keep it within Ncco:Dashboard:MaxLogEntriesPerLeg={maxEntries} and MaxLogBytesPerLeg={maxBytes}; its start, status changes and newest entries are kept"));

    private void Add(CallLogEntry entry, long size, bool pin)
    {
        lock (_gate)
        {
            var item = new Item(entry, size, ++_sequence);
            // The leg's first entry is its start; status changes mark where it went (answered, completed…).
            if ((_sequence == 1 || pin) && _pinned.Count < MaxPinned) _pinned.Add(item);
            else _recent.Enqueue(item);
            _bytes += size;
            while ((_pinned.Count + _recent.Count > maxEntries || _bytes > maxBytes) && _recent.Count > 0)
            {
                var dropped = _recent.Dequeue();
                _bytes -= dropped.Size;
                _droppedEntries++;
                _droppedBytes += dropped.Size;
                _lastDroppedAt = dropped.Entry.At;
                _lastDroppedSequence = dropped.Sequence;
            }
        }
    }

    private static string Cut(string text) => string.Create(CultureInfo.InvariantCulture, $"{text.AsSpan(0, MaxEntryChars)}… ({text.Length - MaxEntryChars} more characters not kept)");

    private readonly record struct Item(CallLogEntry Entry, long Size, long Sequence);
}
