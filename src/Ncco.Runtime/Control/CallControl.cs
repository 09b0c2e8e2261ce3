using Ncco.Calls;
using Ncco.Events;
using Ncco.Legs;
using Ncco.Model;
using Ncco.Model.Actions;
using Ncco.Model.Endpoints;
using Ncco.Webhooks;

namespace Ncco.Control;

/// <summary>
/// Live-call control (what REST <c>/v1/calls</c> exposes). Safe from any thread: each operation runs on the VM thread.
/// Unknown uuids throw <see cref="CallNotFoundException"/> (404); legs in the wrong state throw <see cref="CallStateException"/> (400).
/// </summary>
public sealed partial class CallControl
{
    private readonly NccoVm _vm;
    private readonly Dictionary<long, PlaybackKind> _kinds = [];

    internal CallControl(NccoVm vm) => _vm = vm;

    private Task<T> OnLive<T>(string uuid, string operation, Func<CallLeg, T> apply) => _vm.InvokeAsync(() =>
    {
        var leg = _vm.FindLeg(uuid) ?? throw new CallNotFoundException(uuid);
        if (leg.IsEnded) throw new CallNotFoundException(uuid);
        _vm.Observer.OnActivity(_vm.Scheduler.UtcNow, leg.Id, VmActivity.Control, operation);
        return apply(leg);
    });

    private static void RequireAnswered(CallLeg leg)
    {
        if (leg.AnsweredAt is null) throw new CallStateException($"Leg {leg.Id} is not answered yet.");
    }

    /// <summary>Hang up a leg.</summary>
    public Task HangupAsync(string uuid) => OnLive(uuid, "hangup", leg =>
    {
        _vm.EndLeg(leg, DisconnectedBy.Platform);
        return true;
    });

    /// <summary>Stop sending this leg's audio to its conversation.</summary>
    public Task MuteAsync(string uuid) => OnLive(uuid, "mute", leg => leg.Muted = true);

    /// <summary>Resume sending this leg's audio.</summary>
    public Task UnmuteAsync(string uuid) => OnLive(uuid, "unmute", leg => leg.Muted = false);

    /// <summary>Stop this leg hearing its conversation.</summary>
    public Task EarmuffAsync(string uuid) => OnLive(uuid, "earmuff", leg => leg.Earmuffed = true);

    /// <summary>Let this leg hear its conversation again.</summary>
    public Task UnearmuffAsync(string uuid) => OnLive(uuid, "unearmuff", leg => leg.Earmuffed = false);

    /// <summary>Transfer a leg to an inline NCCO (replaces whatever it is running; it leaves its conversation's mix).</summary>
    public Task TransferAsync(string uuid, NccoDocument ncco) => OnLive(uuid, "transfer to inline NCCO", leg =>
    {
        StartTransferred(leg, ncco);
        return true;
    });

    /// <summary>Transfer a leg to the NCCO at <paramref name="url"/> (fetched with GET and the answer rules).</summary>
    public async Task TransferAsync(string uuid, Uri url)
    {
        // The fetch must start in the same VM turn that finds the leg: awaiting in between would resume on the
        // thread pool, outside the scheduler's view, and a virtual clock could run ahead before the webhook is in flight.
        var transfer = await OnLive(uuid, "transfer to " + url, leg => FetchAndTransferAsync(leg, url));
        await transfer;
    }

    private async Task FetchAndTransferAsync(CallLeg leg, Uri url)
    {
        var fetched = await _vm.Webhooks.FetchNccoAsync(new WebhookTarget(url, WebhookMethod.Get), WebhookKind.Answer, new AnswerRequest
        {
            To = leg.To, From = leg.From, Uuid = leg.Id, ConversationUuid = leg.Conversation.Id,
            RegionUrl = _vm.Application.RegionUrl, EndpointType = leg.EndpointType,
            Timestamp = PayloadJson.Timestamp(_vm.Scheduler.UtcNow),
        }, leg.Id);
        if (leg.IsEnded) return;
        if (fetched.Ncco is null)
        {
            _vm.Observer.OnActivity(_vm.Scheduler.UtcNow, leg.Id, VmActivity.Error, "transfer failed: " + fetched.Reason);
            _ = leg.SendEventAsync(_vm.ErrorEvent(leg, fetched.EventReason ?? "No NCCO at transfer URL."));
            throw new CallStateException("Transfer failed: " + (fetched.EventReason ?? "no NCCO at the transfer URL"));
        }
        StartTransferred(leg, fetched.Ncco);
    }

    private void StartTransferred(CallLeg leg, NccoDocument ncco) => _vm.TransferToNcco(leg, ncco);

    /// <summary>Speak into a live call (in the background; not stopped by barge-in).</summary>
    public Task<long> TalkAsync(string uuid, TalkRequest talk) => OnLive(uuid, $"talk \"{talk?.Text}\"", leg =>
    {
        ArgumentNullException.ThrowIfNull(talk);
        RequireAnswered(leg);
        var p = leg.NewPlayback(PlaybackKind.Talk) with { Text = talk.Text, Language = talk.Language, Style = talk.Style, Premium = talk.Premium, Loop = talk.Loop, Level = talk.Level };
        return StartControlled(leg, p);
    });

    /// <summary>Stop REST talk on a leg.</summary>
    public Task StopTalkAsync(string uuid) => OnLive(uuid, "stop talk", leg => StopControlled(leg, PlaybackKind.Talk));

    /// <summary>Stream audio into a live call.</summary>
    public Task<long> StreamAsync(string uuid, StreamRequest stream) => OnLive(uuid, $"stream {stream?.StreamUrl}", leg =>
    {
        ArgumentNullException.ThrowIfNull(stream);
        RequireAnswered(leg);
        return StartControlled(leg, leg.NewPlayback(PlaybackKind.Stream) with { Url = stream.StreamUrl, Loop = stream.Loop, Level = stream.Level });
    });

    /// <summary>Stop REST streams on a leg.</summary>
    public Task StopStreamAsync(string uuid) => OnLive(uuid, "stop stream", leg => StopControlled(leg, PlaybackKind.Stream));

    /// <summary>Play DTMF tones into a call (<c>0-9*#</c>, <c>p</c> = 500 ms pause).</summary>
    public Task SendDtmfAsync(string uuid, string digits) => OnLive(uuid, "send dtmf " + digits, leg =>
    {
        if (string.IsNullOrEmpty(digits) || digits.Any(c => !(char.IsAsciiDigit(c) || c is '*' or '#' or 'p' or 'P')))
            throw new CallStateException("digits must be non-empty and contain only 0-9 * # p.");
        RequireAnswered(leg);
        return StartControlled(leg, leg.NewPlayback(PlaybackKind.Dtmf) with { Text = digits });
    });

    /// <summary>Post every key the party presses to <paramref name="eventUrl"/> as an input event.</summary>
    public Task SubscribeDtmfAsync(string uuid, Uri eventUrl) => OnLive(uuid, "subscribe dtmf " + eventUrl, leg => leg.AsyncDtmfTarget = new WebhookTarget(eventUrl, WebhookMethod.Post));

    /// <summary>Stop posting keys.</summary>
    public Task UnsubscribeDtmfAsync(string uuid) => OnLive(uuid, "unsubscribe dtmf", leg =>
    {
        leg.AsyncDtmfTarget = null;
        return true;
    });

    private long StartControlled(CallLeg leg, Playback playback)
    {
        leg.ControlPlaybacks.Add(playback.Id);
        _kinds[playback.Id] = playback.Kind;
        var tcs = leg.StartPlayback(playback);
        tcs.Task.ContinueWith(_ =>
        {
            leg.ControlPlaybacks.Remove(playback.Id);
            _kinds.Remove(playback.Id);
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return playback.Id;
    }

    private bool StopControlled(CallLeg leg, PlaybackKind kind)
    {
        foreach (var id in leg.ControlPlaybacks.Where(id => _kinds.GetValueOrDefault(id) == kind).ToList()) leg.StopPlayback(id);
        return true;
    }

    /// <summary>
    /// Create an outbound call: <c>started</c>, ringing (bounded by <c>ringing_timer</c> → <c>timeout</c>), answer
    /// (AMD if asked), then the inline NCCO or the one fetched from <c>answer_url</c>; hangs up after <c>length_timer</c>.
    /// </summary>
    public Task<CallLeg> CreateCallAsync(CreateCallRequest request)
    {
        // Taken here, on the caller's side: the VM thread below does not run in the request's execution context.
        var requester = System.Diagnostics.Activity.Current?.Context ?? default;
        return _vm.InvokeAsync(() => CreateCall(request, requester));
    }

    private CallLeg CreateCall(CreateCallRequest request, System.Diagnostics.ActivityContext requester)
    {
        ArgumentNullException.ThrowIfNull(request);
        if ((request.Ncco is null) == (request.AnswerUrl is null)) throw new ArgumentException("Exactly one of ncco / answer_url is required.", nameof(request));
        var conversation = _vm.NewConversation(null);
        var target = request.EventUrl is null ? null : new WebhookTarget(request.EventUrl, request.EventMethod);
        var amd = MachineDetectionSettings.From(request.MachineDetection, request.AdvancedMachineDetection);
        // The control API is the application's own (the host authenticated the request before it got here).
        var leg = _vm.CreateOutboundLeg(request.To, request.From, conversation, target, amd is not null,
                new Legs.LegOrigin(Legs.LegOriginKind.Api, _vm.Application.ApplicationId, true, "api"), requester: requester)
            ?? throw new CallStateException("No dialer is configured for outbound calls.");
        _ = OutboundFlowAsync(leg, request, amd);
        return leg;
    }

    private async Task OutboundFlowAsync(CallLeg leg, CreateCallRequest request, MachineDetectionSettings? amd)
    {
        _ = leg.RaiseStatusAsync(leg.StatusEvent(CallStatus.Started));
        var result = await _vm.DialAsync(leg, TimeSpan.FromSeconds(request.RingingTimer), amd, leg.Lifetime);
        if (result.Status == CallStatus.Machine || leg.IsEnded && result.Status != CallStatus.Answered) return;
        if (result.Status != CallStatus.Answered)
        {
            var failure = _vm.FailureEvent(leg, result);
            _vm.EndUnconnected(leg);
            _ = leg.RaiseStatusAsync(failure);
            return;
        }
        leg.AddTimer(_vm.Scheduler.Schedule(TimeSpan.FromSeconds(request.LengthTimer), () => _vm.EndLeg(leg, DisconnectedBy.Platform)));
        var ncco = request.Ncco;
        if (ncco is null)
        {
            var fetched = await _vm.Webhooks.FetchNccoAsync(new WebhookTarget(request.AnswerUrl!, request.AnswerMethod), WebhookKind.Answer, new AnswerRequest
            {
                To = leg.To, From = leg.From, Uuid = leg.Id, ConversationUuid = leg.Conversation.Id,
                RegionUrl = _vm.Application.RegionUrl, EndpointType = leg.EndpointType,
                Timestamp = PayloadJson.Timestamp(_vm.Scheduler.UtcNow),
            }, leg.Id);
            if (leg.IsEnded) return;
            if (fetched.Ncco is null)
            {
                _vm.Observer.OnActivity(_vm.Scheduler.UtcNow, leg.Id, VmActivity.Error, "no NCCO obtained: " + fetched.Reason);
                _ = leg.SendEventAsync(_vm.ErrorEvent(leg, fetched.EventReason ?? "No NCCO could be obtained."));
                _vm.EndLeg(leg, DisconnectedBy.Platform);
                return;
            }
            ncco = fetched.Ncco;
        }
        leg.Run(ncco);
    }
}
