using Ncco.Events;
using Ncco.Model;
using Ncco.Webhooks;

namespace Ncco.Calls;

/// <summary>The leg's webhooks: its event payloads, posted in the order they were raised.</summary>
public sealed partial class CallLeg
{
    private Task _eventChain = Task.CompletedTask;

    internal CallStatusEvent StatusEvent(string status) => new()
    {
        From = From,
        To = To,
        Uuid = Id,
        ConversationUuid = Conversation.Id,
        Status = status,
        Direction = Direction,
        Timestamp = PayloadJson.Timestamp(_vm.Scheduler.UtcNow),
    };

    /// <summary>The <c>input</c> event of this leg: a finished input action, or one key of asynchronous DTMF.</summary>
    internal InputEvent InputEvent(DtmfResult dtmf, SpeechResult speech) => new()
    {
        From = From,
        To = To,
        Uuid = Id,
        ConversationUuid = Conversation.Id,
        Dtmf = dtmf,
        Speech = speech,
        Timestamp = PayloadJson.Timestamp(_vm.Scheduler.UtcNow),
    };

    /// <summary>Records the status, logs it and posts it to the event webhook (in order with the leg's other events).</summary>
    internal Task RaiseStatusAsync(CallStatusEvent payload, WebhookTarget? target = null)
    {
        if (payload.Status is not (CallStatus.Human or CallStatus.Machine)) Status = payload.Status;
        _vm.Observer.OnActivity(_vm.Scheduler.UtcNow, Id, VmActivity.Status, payload.Status + (payload.Detail is null ? "" : $" ({payload.Detail})"));
        return SendEventAsync(payload, target);
    }

    /// <summary>Posts an event (after the leg's earlier events) to <paramref name="target"/> or the leg's event target.</summary>
    public Task SendEventAsync(WebhookPayload payload, WebhookTarget? target = null)
    {
        var t = target ?? EventTarget ?? _vm.Application.EventUrl;
        if (t is null || IsStandIn) return Task.CompletedTask;
        var previous = _eventChain;
        var next = Chain(previous, () => _vm.Webhooks.SendEventAsync(t, payload, Id));
        _eventChain = next;
        return next;
    }

    /// <summary>Posts an event that may answer with an NCCO, after the leg's earlier events.</summary>
    public Task<NccoFetchResult> FetchNccoAsync(WebhookPayload payload, WebhookTarget? target)
    {
        var t = target ?? EventTarget ?? _vm.Application.EventUrl;
        if (t is null || IsStandIn) return Task.FromResult(new NccoFetchResult { CarryOn = true });
        var previous = _eventChain;
        var next = ChainResult(previous, () => _vm.Webhooks.FetchNccoAsync(t, WebhookKind.Event, payload, Id));
        _eventChain = next;
        return next;
    }

    private static async Task Chain(Task previous, Func<Task<bool>> send)
    {
        try { await previous; } catch (Exception) { /* earlier event failures do not block later ones */ }
        await send();
    }

    private static async Task<NccoFetchResult> ChainResult(Task previous, Func<Task<NccoFetchResult>> send)
    {
        try { await previous; } catch (Exception) { /* see Chain */ }
        return await send();
    }

    /// <summary>Waits until all events raised so far were delivered (or gave up).</summary>
    internal Task FlushEventsAsync() => _eventChain;

    internal WebhookTarget? ResolveTarget(Uri? url, WebhookMethod method) =>
        url is null ? EventTarget ?? _vm.Application.EventUrl : new WebhookTarget(url, method);
}
