using Ncco.Calls;
using Ncco.Events;
using Ncco.Interpreter;
using Ncco.Legs;
using Ncco.Model;
using Ncco.Model.Actions;
using Ncco.Model.Endpoints;

namespace Ncco.Handlers;

/// <summary>
/// <c>connect</c>: dials one endpoint into the caller's conversation and blocks while it is connected.
/// Ringback is played to the caller until answer; <c>timeout</c> bounds ringing (<c>timeout</c> status), <c>limit</c>
/// bounds the connected time. Busy/unanswered/rejected/failed/timeout continue with the next action — or, with
/// <c>eventType:"synchronous"</c>, the failure event may answer with a replacement NCCO. AMD raises
/// <c>human</c>/<c>machine</c> (and hangs up a machine with <c>behavior:hangup</c>); synchronous modes bridge the
/// callee after the verdict (and the beep with <c>detect_beep</c>), <c>mode: default</c> at answer (see
/// <see cref="MachineDetectionRun"/>). A websocket the application
/// closes raises <c>disconnected</c>, whose answer may be an NCCO.
/// </summary>
public sealed class ConnectHandler : IActionHandler
{
    /// <inheritdoc />
    public async Task<ActionOutcome> ExecuteAsync(ActionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var action = (ConnectAction)context.Action;
        var caller = context.Leg;
        var vm = context.Vm;
        var target = context.Target(action.EventUrl, action.EventMethod);
        var from = action.From ?? (action.RandomFromNumber ? caller.To : null);
        var amd = MachineDetectionSettings.From(action.MachineDetection, action.AdvancedMachineDetection);
        // The callee acts for whoever the caller acts for: an unauthenticated caller's NCCO cannot borrow the API's trust.
        var origin = caller.Origin is { } o
            ? o with { Kind = LegOriginKind.Call, ParentLegId = caller.Id }
            : new LegOrigin(LegOriginKind.Call, vm.Application.ApplicationId, false, caller.EndpointType) { ParentLegId = caller.Id };
        var callee = vm.CreateOutboundLeg(action.Endpoint, from, caller.Conversation, target, amd is not null, origin, connectCallee: true);
        if (callee is null)
        {
            var reason = $"/{context.Index}/endpoint: no dialer is configured to reach {action.Endpoint.Type} endpoints.";
            context.ReportError(reason);
            return ActionOutcome.Next;
        }
        _ = callee.RaiseStatusAsync(callee.StatusEvent(CallStatus.Started));
        long? ringback = null;
        if (action.RingbackTone is { } tone)
        {
            var p = caller.NewPlayback(PlaybackKind.Ringback) with { Url = tone, Loop = 0 };
            caller.StartPlayback(p);
            ringback = p.Id;
        }
        DialResult result;
        try
        {
            result = await vm.DialAsync(callee, TimeSpan.FromSeconds(action.Timeout), amd, cancellationToken);
        }
        finally
        {
            if (ringback is { } id) caller.StopPlayback(id);
        }
        if (cancellationToken.IsCancellationRequested)
        {
            vm.EndLeg(callee, DisconnectedBy.Platform);
            cancellationToken.ThrowIfCancellationRequested();
        }
        // A machine hung up by AMD, or a callee that hung up while being detected, is over: nothing to report here.
        if (result.Status == CallStatus.Machine || callee.IsEnded && result.Status == CallStatus.Completed) return ActionOutcome.Next;
        if (result.Status != CallStatus.Answered)
        {
            var failure = vm.FailureEvent(callee, result);
            vm.EndUnconnected(callee);
            if (action.EventType == ConnectEventType.Synchronous)
            {
                context.Log($"connect failed: {failure.Status}; asking eventUrl for a fallback NCCO", VmActivity.Status);
                var fetched = await callee.FetchNccoAsync(failure, target);
                cancellationToken.ThrowIfCancellationRequested();
                return context.OutcomeOf(fetched);
            }
            await callee.RaiseStatusAsync(failure, target);
            return ActionOutcome.Next;
        }

        if (callee.Endpoint is PhoneEndpoint { OnAnswer: { } onAnswer })
        {
            await RunOnAnswerAsync(context, callee, onAnswer, cancellationToken);
            if (callee.IsEnded)
            {
                return ActionOutcome.Next;
            }
        }
        caller.InMix = true;
        callee.InMix = true;
        context.Log($"connected to {callee.To} ({callee.Id})", VmActivity.Conversation);
        var ended = new TaskCompletionSource();
        void OnEnded() => ended.TrySetResult();
        callee.Ended += OnEnded;
        if (callee.IsEnded) ended.TrySetResult();
        var limit = context.Scheduler.Schedule(TimeSpan.FromSeconds(action.Limit), () => vm.EndLeg(callee, DisconnectedBy.Platform));
        // The caller's leg ending (a hang-up: how most bridged calls end) completes the wait rather than cancelling it,
        // so that it costs no exception; the interpreter sees the token and reports the action cancelled.
        using var reg = cancellationToken.Register(() => ended.TrySetResult());
        try
        {
            await ended.Task;
        }
        finally
        {
            limit.Dispose();
            callee.Ended -= OnEnded;
        }
        if (cancellationToken.IsCancellationRequested)
        {
            // A callee handed over to someone else by a transfer (a SIP REFER) outlives the caller that connected it.
            if (!callee.HandedOver && !caller.HandedOver) vm.EndLeg(callee, DisconnectedBy.Platform);
            return ActionOutcome.Next;
        }
        vm.LeaveMix(caller);
        if (callee.Endpoint is WebSocketEndpoint ws && callee.EndedBy == DisconnectedBy.User)
        {
            var disconnected = callee.StatusEvent(CallStatus.Disconnected) with { Headers = ws.Headers };
            context.Log("websocket disconnected by the application", VmActivity.Status);
            var fetched = await callee.FetchNccoAsync(disconnected, target);
            cancellationToken.ThrowIfCancellationRequested();
            return context.OutcomeOf(fetched);
        }
        return ActionOutcome.Next;
    }

    /// <summary>
    /// <c>onAnswer</c>: fetches an NCCO (GET, answer rules) and runs it on the answered callee before it joins the
    /// caller; the caller hears <c>onAnswer.ringbackTone</c> meanwhile.
    /// </summary>
    private static async Task RunOnAnswerAsync(ActionContext context, CallLeg callee, OnAnswer onAnswer, CancellationToken cancellationToken)
    {
        var caller = context.Leg;
        var vm = context.Vm;
        long? tone = null;
        if (onAnswer.RingbackTone is { } url)
        {
            var p = caller.NewPlayback(PlaybackKind.Ringback) with { Url = url, Loop = 0 };
            caller.StartPlayback(p);
            tone = p.Id;
        }
        try
        {
            var fetched = await vm.Webhooks.FetchNccoAsync(new Webhooks.WebhookTarget(onAnswer.Url, WebhookMethod.Get), Webhooks.WebhookKind.Answer, new AnswerRequest
            {
                To = callee.To, From = callee.From, Uuid = callee.Id, ConversationUuid = callee.Conversation.Id,
                RegionUrl = vm.Application.RegionUrl, EndpointType = callee.EndpointType, Timestamp = context.Timestamp,
            }, callee.Id);
            if (fetched.Ncco is null || callee.IsEnded) return;
            using var both = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, callee.Lifetime);
            await new LegInterpreter(callee, vm.Handlers).RunAsync(fetched.Ncco, both.Token);
        }
        finally
        {
            if (tone is { } id) caller.StopPlayback(id);
        }
    }
}
