using Ncco.Events;
using Ncco.Legs;

namespace Ncco.Calls;

/// <summary>How a leg's machine detection ended, as far as the dial waiting on it is concerned.</summary>
internal enum MachineDetectionOutcome
{
    /// <summary>Verdict (and, when the mode waits for it, the beep or its timeout) reported; the call goes on.</summary>
    Continue,

    /// <summary>A machine answered and <c>behavior: hangup</c> ended the leg.</summary>
    HungUp,

    /// <summary>The leg ended before detection finished.</summary>
    LegEnded,
}

/// <summary>
/// One answered leg's answering-machine detection, from answer to its last event (reference §1.5.2 and the
/// <c>human</c>/<c>machine</c> rows of §2.3). It asks the media plane to analyse the leg's audio
/// (<see cref="IMediaPlane.StartMachineDetection"/>), takes the verdict the leg or the plane reports through
/// <see cref="ILegEventSink.MachineDetection"/>, and falls back to <c>human</c> at the deadline. Events use
/// <c>call_uuid</c> instead of <c>uuid</c>. On a machine: <c>behavior: hangup</c> ends the leg right after the
/// <c>machine</c> event (no beep is waited for — nobody will hear a message); otherwise modes that report beeps send a
/// second <c>machine</c> event with <c>sub_state: beep_start</c> when the beep is heard, or <c>beep_timeout</c> after
/// <c>beep_timeout</c> seconds. In <c>mode: default</c> (asynchronous) the application may answer any of these events
/// with an NCCO, which replaces the leg's flow — for legs running their own NCCO (REST calls); a <c>connect</c>
/// callee is bridged to its caller, so its events are reports only.
/// </summary>
/// <remarks>VM thread only.</remarks>
internal sealed class MachineDetectionRun
{
    /// <summary>
    /// Extra wait for a plane's verdict beyond <see cref="NccoVmOptions.MachineDetectionDeadline"/>: its analysis
    /// runs on media time, which starts when audio flows after answer and trails the VM's clock under load.
    /// </summary>
    internal static readonly TimeSpan MediaGrace = TimeSpan.FromSeconds(3);

    private readonly NccoVm _vm;
    private readonly CallLeg _leg;
    private readonly MachineDetectionSettings _settings;
    private readonly TaskCompletionSource<MachineDetectionOutcome> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private IDisposable? _deadline;
    private IDisposable? _beepTimer;
    private IDisposable? _media;
    private bool? _machine;
    private bool _finished;

    private MachineDetectionRun(NccoVm vm, CallLeg leg, MachineDetectionSettings settings)
    {
        _vm = vm;
        _leg = leg;
        _settings = settings;
    }

    /// <summary>Completes when the dial may go on (see <see cref="MachineDetectionOutcome"/>).</summary>
    public Task<MachineDetectionOutcome> Completion => _done.Task;

    /// <summary>Starts detecting on an answered leg.</summary>
    public static MachineDetectionRun Start(NccoVm vm, CallLeg leg, MachineDetectionSettings settings)
    {
        var run = new MachineDetectionRun(vm, leg, settings);
        run.Begin();
        return run;
    }

    private void Begin()
    {
        _leg.MachineDetected += OnReport;
        _leg.Ended += OnEnded;
        if (_leg.IsEnded)
        {
            OnEnded();
            return;
        }
        var analysis = _vm.Options.MachineDetectionDeadline;
        var wait = analysis;
        if (_vm.Media is { } media)
        {
            try
            {
                _media = media.StartMachineDetection(new MediaMachineDetectionRequest(_leg.Id, analysis, _settings.ReportsBeep ? _settings.EffectiveBeepTimeout : null));
            }
            catch (Exception e) when (e is NotSupportedException or InvalidOperationException or ArgumentException)
            {
                Log("media plane cannot detect answering machines: " + e.Message, VmActivity.Error);
            }
            if (_media is not null) wait += MediaGrace;
        }
        _deadline = _vm.Scheduler.Schedule(wait, () =>
        {
            Log("no machine detection verdict in time: human", VmActivity.Info);
            Verdict(machine: false, beep: false);
        });
    }

    private void OnReport(bool machine, bool beep)
    {
        if (_machine is null) Verdict(machine, beep);
        else if (_machine == true && beep) BeepOutcome("beep_start");
    }

    private void Verdict(bool machine, bool beep)
    {
        if (_finished || _machine is not null) return;
        _machine = machine;
        _deadline?.Dispose();
        Raise(_leg.StatusEvent(machine ? CallStatus.Machine : CallStatus.Human) with { Uuid = null, CallUuid = _leg.Id });
        if (machine && _settings.Behavior == Model.MachineDetectionBehavior.Hangup)
        {
            Finish(MachineDetectionOutcome.HungUp);
            _vm.EndLeg(_leg, DisconnectedBy.Platform);
            return;
        }
        if (!machine || !_settings.ReportsBeep)
        {
            Finish(MachineDetectionOutcome.Continue);
            return;
        }
        if (beep)
        {
            BeepOutcome("beep_start");
            return;
        }
        _beepTimer = _vm.Scheduler.Schedule(_settings.EffectiveBeepTimeout, () => BeepOutcome("beep_timeout"));
    }

    private void BeepOutcome(string subState)
    {
        if (_finished) return;
        Raise(_leg.StatusEvent(CallStatus.Machine) with { Uuid = null, CallUuid = _leg.Id, SubState = subState });
        Finish(MachineDetectionOutcome.Continue);
    }

    private void Raise(CallStatusEvent payload)
    {
        if (_settings.Mode != Model.MachineDetectionMode.Default || _leg.IsConnectCallee)
        {
            _ = _leg.RaiseStatusAsync(payload);
            return;
        }
        _vm.Observer.OnActivity(_vm.Scheduler.UtcNow, _leg.Id, VmActivity.Status, payload.Status + (payload.SubState is { } s ? $" ({s})" : ""));
        _ = ReplaceFlowIfAnsweredAsync(payload);
    }

    /// <summary>Asynchronous mode: an NCCO in the answer to a human/machine/beep event replaces the leg's flow.</summary>
    private async Task ReplaceFlowIfAnsweredAsync(CallStatusEvent payload)
    {
        var fetched = await _leg.FetchNccoAsync(payload, null);
        if (fetched.Ncco is not { } ncco || _leg.IsEnded || _leg.IsEnding) return;
        Log($"the {payload.Status} event answered with an NCCO: it replaces the call flow", VmActivity.Status);
        _vm.TransferToNcco(_leg, ncco);
    }

    private void OnEnded() => Finish(MachineDetectionOutcome.LegEnded);

    private void Finish(MachineDetectionOutcome outcome)
    {
        if (_finished) return;
        _finished = true;
        _deadline?.Dispose();
        _beepTimer?.Dispose();
        _media?.Dispose();
        _leg.MachineDetected -= OnReport;
        _leg.Ended -= OnEnded;
        _done.TrySetResult(outcome);
    }

    private void Log(string text, VmActivity kind) => _vm.Observer.OnActivity(_vm.Scheduler.UtcNow, _leg.Id, kind, text);
}
