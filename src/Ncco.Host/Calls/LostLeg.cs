using System.Globalization;
using Ncco.Calls;
using Ncco.Events;
using Ncco.Webhooks;

namespace Ncco.Host.Calls;

/// <summary>
/// How a leg whose process is gone (the host crashed or was killed, or in a cluster its node died) is ended, as Vonage
/// reports a call the platform dropped: an answered leg or an inbound one becomes <c>completed</c> with
/// <c>disconnected_by: platform</c>, its end the last moment its process is known to have been alive and its
/// <c>duration</c> counted to it; an outbound leg that was never answered becomes <c>failed</c> with
/// <c>detail: internal_error</c>. Used by crash recovery at start and by the cluster for a dead node's legs.
/// </summary>
public static class LostLeg
{
    /// <summary>The final record of <paramref name="call"/> and the status event announcing it.</summary>
    /// <param name="call">The leg as last stored (no end time).</param>
    /// <param name="lastAlive">When its process was last known alive; never before the leg started.</param>
    public static (CallRecord Record, CallStatusEvent Payload) End(CallRecord call, DateTimeOffset lastAlive)
    {
        ArgumentNullException.ThrowIfNull(call);
        var started = call.StartTime ?? call.CreatedAt;
        var end = lastAlive > started ? lastAlive : started;
        var answered = call.StartTime is not null || call.Direction == Direction.Inbound;
        var status = answered ? CallStatus.Completed : CallStatus.Failed;
        var payload = new CallStatusEvent
        {
            From = call.From?.Value,
            To = call.To.Value,
            Uuid = call.Uuid,
            ConversationUuid = call.ConversationUuid,
            Status = status,
            Direction = call.Direction,
            StartTime = answered ? PayloadJson.Timestamp(call.StartTime ?? end) : null,
            EndTime = answered ? PayloadJson.Timestamp(end) : null,
            Duration = answered ? ((long)Math.Floor((end - (call.StartTime ?? end)).TotalSeconds)).ToString(CultureInfo.InvariantCulture) : null,
            Rate = answered ? "0.00000000" : null,
            Price = answered ? "0.00000000" : null,
            Network = answered ? "" : null,
            DisconnectedBy = answered ? DisconnectedBy.Platform : null,
            Detail = answered ? null : "internal_error",
            Timestamp = PayloadJson.Timestamp(end),
        };
        return (call with { Status = status, EndTime = end }, payload);
    }

    /// <summary>
    /// Sends <paramref name="payload"/> to the event URL of <paramref name="vm"/>'s application (signed and retried like
    /// every event; the VM's observer adds it to the leg's history once sent). Does nothing when it has none.
    /// </summary>
    public static async Task AnnounceAsync(NccoVm vm, CallStatusEvent payload)
    {
        ArgumentNullException.ThrowIfNull(vm);
        ArgumentNullException.ThrowIfNull(payload);
        if (vm.Application.EventUrl is not { } target) return;
        await (await vm.InvokeAsync(() => vm.Webhooks.SendEventAsync(target, payload, payload.Uuid)).ConfigureAwait(false)).ConfigureAwait(false);
    }
}
