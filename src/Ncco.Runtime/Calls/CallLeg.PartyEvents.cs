using System.Globalization;
using Ncco.Events;
using Ncco.Legs;

namespace Ncco.Calls;

/// <summary>
/// What the party does, as the leg transport reports it (<see cref="ILegEventSink"/>, any thread): each report is
/// marshalled onto the VM thread, logged, and raised as an event the running action listens to.
/// </summary>
public sealed partial class CallLeg
{
    internal event Action<char>? DigitReceived;

    internal event Action<Utterance>? SpeechReceived;

    internal event Action? SpeechStarting;

    internal event Action? SpeechAbandoning;

    internal event Action<string>? SpeechFailing;

    internal event Action<TimeSpan>? AudioReceived;

    internal event Action<string, string?>? DialStatus;

    internal event Action<bool, bool>? MachineDetected;

    private void OnVm(Action action)
    {
        Action work = () =>
        {
            if (!IsEnded) action();
        };
        // While the call is in setup its answer's result comes back through the setup lane; what the caller does
        // meanwhile (a CANCEL) goes the same way, so the VM still sees the two in the order they happened.
        if (InSetup) _vm.Scheduler.PostSetup(work);
        else _vm.Scheduler.Post(work);
    }

    /// <summary>
    /// True from an inbound call's arrival until its answer webhook's result is in (<see cref="Scheduling.VmScheduler.PostSetup"/>):
    /// the leg's work goes through the VM's setup lane meanwhile. Set once on the VM thread, read from any thread.
    /// </summary>
    internal bool InSetup
    {
        get => Volatile.Read(ref _inSetup);
        set => Volatile.Write(ref _inSetup, value);
    }

    private bool _inSetup;

    private void Party(string message) => _vm.Observer.OnActivity(_vm.Scheduler.UtcNow, Id, VmActivity.Party, message);

    void ILegEventSink.Ringing() => OnVm(() => DialStatus?.Invoke(CallStatus.Ringing, null));

    void ILegEventSink.Answered() => OnVm(() => DialStatus?.Invoke(CallStatus.Answered, null));

    void ILegEventSink.Busy() => OnVm(() => DialStatus?.Invoke(CallStatus.Busy, null));

    void ILegEventSink.Unanswered(string detail) => OnVm(() => DialStatus?.Invoke(CallStatus.Unanswered, detail));

    void ILegEventSink.Rejected(string detail) => OnVm(() => DialStatus?.Invoke(CallStatus.Rejected, detail));

    void ILegEventSink.Failed(string detail)
    {
        // Inbound, a failure reported while the VM answers (from inside ILegTransport.Answer, e.g. no RTP port left)
        // makes the call `failed`, never `answered`: it is recorded at once so the VM sees it as soon as Answer returns.
        if (Direction == Ncco.Calls.Direction.Inbound && AnsweredAt is null) Volatile.Write(ref _answerFailure, detail);
        OnVm(() => DialStatus?.Invoke(CallStatus.Failed, detail));
    }

    // Written at once (not marshalled) so that a failure reported right after it, from any thread, finds the code.
    void ILegEventSink.SipStatus(int statusCode) => Volatile.Write(ref _finalSipStatus, statusCode is >= 300 and <= 699 ? statusCode : 0);

    private string? _answerFailure;

    private int _finalSipStatus;

    /// <summary>The SIP status a SIP leg's dialling (or answering) ended with (see <see cref="ILegEventSink.SipStatus"/>), else null.</summary>
    internal int? FinalSipStatus => Volatile.Read(ref _finalSipStatus) is > 0 and var code ? code : null;

    /// <summary>Inbound: the <c>detail</c> of a failure the transport reported while answering, else null.</summary>
    internal string? AnswerFailure => Volatile.Read(ref _answerFailure);

    void ILegEventSink.MachineDetection(bool isMachine, bool beep) => OnVm(() => MachineDetected?.Invoke(isMachine, beep));

    void ILegEventSink.Digit(char digit) => OnVm(() =>
    {
        // A key pressed while nothing takes keys (a talk without bargeIn still playing, before the input starts) is
        // lost, as on the platform; the log says so, or a test that pressed too early only sees an empty input result.
        var heard = DigitReceived is not null || AsyncDtmfTarget is not null || InMix;
        Party(heard ? $"pressed {digit}" : $"pressed {digit} (lost: no input or record is taking keys)");
        if (AsyncDtmfTarget is { } target)
        {
            _ = SendEventAsync(InputEvent(new DtmfResult { Digits = digit.ToString(), TimedOut = false }, new SpeechResult()), target);
        }
        DigitReceived?.Invoke(digit);
    });

    void ILegEventSink.Speech(string text, double confidence, TimeSpan duration, string? audioFileId) => OnVm(() =>
    {
        Party($"said \"{text}\" (confidence {confidence.ToString("0.##", CultureInfo.InvariantCulture)})");
        var u = new Utterance(text, confidence, duration, audioFileId);
        SpeechReceived?.Invoke(u);
        AudioReceived?.Invoke(duration);
        // A media plane mixes real audio; only semantic media routes utterances as playbacks.
        if (InMix && _vm.Media is null) Conversation.Route(this, u);
    });

    void ILegEventSink.SpeechStarted() => OnVm(() =>
    {
        Party("started speaking");
        SpeechStarting?.Invoke();
    });

    void ILegEventSink.SpeechAbandoned() => OnVm(() =>
    {
        Party("made a sound that was not speech");
        SpeechAbandoning?.Invoke();
    });

    void ILegEventSink.SpeechFailed(string error) => OnVm(() =>
    {
        Party($"said something that could not be recognised: {error}");
        SpeechFailing?.Invoke(error);
    });

    void ILegEventSink.Audio(TimeSpan duration) => OnVm(() =>
    {
        Party($"made sound for {duration.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)}s");
        AudioReceived?.Invoke(duration);
    });

    void ILegEventSink.PlaybackFinished(long playbackId) => OnVm(() =>
    {
        if (_playbacks.Remove(playbackId, out var tcs)) tcs.TrySetResult();
    });

    void ILegEventSink.HungUp() => OnVm(() =>
    {
        Party("hung up");
        // The app closing a WebSocket is reported as `disconnected`. A connect callee's event comes from the connect
        // action (which may run the NCCO it returns on the caller); a leg created by REST is the call itself, so its
        // `disconnected` is only a report, sent before its `completed` — there is no leg left to run an NCCO on.
        if (Endpoint is Model.Endpoints.WebSocketEndpoint ws && !IsConnectCallee && AnsweredAt is not null && !IsEnded)
            _ = RaiseStatusAsync(StatusEvent(CallStatus.Disconnected) with { Headers = ws.Headers });
        _vm.EndLeg(this, DisconnectedBy.User, fromParty: true);
    });
}
