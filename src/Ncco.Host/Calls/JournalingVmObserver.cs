using Ncco.Calls;
using Ncco.Events;
using Ncco.Host.Observability;
using Ncco.Model.Endpoints;
using Ncco.Webhooks;

namespace Ncco.Host.Calls;

/// <summary>
/// Watches one application's VM on its thread: keeps each leg's <see cref="CallRecord"/> current in the
/// <see cref="CallJournal"/>, appends the event history, counts metrics and logs with the call's uuid in scope.
/// </summary>
internal sealed class JournalingVmObserver(string applicationId, CallJournal journal, NccoMetrics metrics, ILogger logger, Action<int> activeChanged, Action<string> legEnded) : IVmObserver
{
    private readonly Dictionary<string, CallRecord> _current = new(StringComparer.Ordinal);

    public NccoVm? Vm { get; set; }

    /// <summary>Called on the VM thread when the VM creates a leg.</summary>
    public void OnLegCreated(CallLeg leg)
    {
        var now = Vm!.Scheduler.UtcNow;
        var record = Snapshot(leg, now);
        _current[leg.Id] = record;
        journal.Record(record);
        metrics.CallStarted(leg.Direction, leg.EndpointType);
        activeChanged(+1);
        using (logger.BeginCallScope(leg.Id, leg.Conversation.Id))
        {
            logger.CallCreated(leg.Id, leg.Direction, leg.From ?? "?", leg.To, leg.EndpointType);
        }
    }

    /// <summary>
    /// Called on the VM thread when the VM handed a leg, not yet answered, to another node: the call goes on there under
    /// the same uuid (that node's journal moves its row), so nothing final is recorded here — the leg is only released.
    /// </summary>
    public void OnLegHandedOff(CallLeg leg)
    {
        if (!_current.Remove(leg.Id)) return;
        activeChanged(-1);
        legEnded(leg.Id);
    }

    public void OnWebhook(DateTimeOffset at, string? legId, WebhookRequest request, WebhookResponse response)
    {
        if (legId is not null && request.Attempt == 1 && request.Kind == WebhookKind.Event)
        {
            journal.Append(new CallEventRecord(legId, at, KindOf(request.Payload), request.PayloadJson));
        }
        if (response.Failure != WebhookFailure.None || response.StatusCode >= 400)
        {
            using var _ = Scope(legId);
            logger.WebhookFailed(request.Kind, request.Method, request.Uri.GetLeftPart(UriPartial.Path),
                request.Attempt, response.Failure == WebhookFailure.None ? "HTTP " + response.StatusCode : response.Failure.ToString());
        }
    }

    public void OnActivity(DateTimeOffset at, string? legId, VmActivity activity, string message)
    {
        // The call's scope only around a line that is logged: most lines are Debug, off by default, and a scope costs
        // its objects and an execution-context change (≈ 0.3 KB) even when nothing logs inside it (issue 19).
        var level = activity switch
        {
            VmActivity.Status => LogLevel.Information,
            VmActivity.Error or VmActivity.Warning => LogLevel.Warning,
            _ => LogLevel.Debug,
        };
        using var _ = logger.IsEnabled(level) ? Scope(legId) : null;
        switch (activity)
        {
            case VmActivity.Status when legId is not null && Vm!.FindLeg(legId) is { } leg:
                OnStatus(leg, at);
                break;
            case VmActivity.Error or VmActivity.Warning:
                logger.VmError(message);
                break;
            default:
                logger.VmActivityLine(activity, message);
                break;
        }
    }

    private void OnStatus(CallLeg leg, DateTimeOffset at)
    {
        if (!_current.TryGetValue(leg.Id, out var previous)) return;
        var record = Snapshot(leg, previous.CreatedAt);
        logger.CallStatus(leg.Id, leg.Status);
        if (!HasEventWebhook(leg)) journal.Append(new CallEventRecord(leg.Id, at, leg.Status, null));
        if (CallStatus.IsFinal(leg.Status))
        {
            record = record with { EndTime = leg.EndedAt ?? at };
            _current.Remove(leg.Id);
            metrics.CallEnded(leg.Status, failed: leg.Status != CallStatus.Completed);
            activeChanged(-1);
            legEnded(leg.Id);
        }
        else
        {
            _current[leg.Id] = record;
        }
        journal.Record(record);
    }

    private bool HasEventWebhook(CallLeg leg) => leg.EventTarget is not null || Vm!.Application.EventUrl is not null;

    private CallRecord Snapshot(CallLeg leg, DateTimeOffset createdAt)
    {
        var endpointType = leg.Endpoint?.Type ?? EndpointTypes.Phone;
        CallParty to, from;
        if (leg.Direction == Direction.Outbound)
        {
            to = CallParty.Of(endpointType, leg.To);
            from = CallParty.Of(EndpointTypes.Phone, leg.From ?? "");
        }
        else
        {
            to = CallParty.Of(EndpointTypes.Phone, leg.To);
            from = CallParty.Of(endpointType, leg.From ?? "");
        }
        return new CallRecord(leg.Id, applicationId, leg.Conversation.Id, leg.Direction, leg.Status, to, createdAt)
        {
            From = from.Value.Length == 0 ? null : from,
            StartTime = leg.AnsweredAt,
        };
    }

    private IDisposable? Scope(string? legId) =>
        legId is null ? null : logger.BeginCallScope(legId, null);

    private static string KindOf(Events.WebhookPayload payload) => payload switch
    {
        CallStatusEvent s => s.Status,
        InputEvent => "input",
        RecordEvent => "record",
        TranscriptionEvent => "transcription",
        TransferEvent => "transfer",
        NotifyEvent => "notify",
        ErrorEvent => "error",
        _ => payload.GetType().Name,
    };
}
