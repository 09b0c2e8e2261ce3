using Ncco.Model;
using Ncco.Model.Actions;

namespace Ncco.Calls;

/// <summary>Answering-machine detection settings (standard or advanced), as the VM runs them.</summary>
/// <param name="Behavior">On machine: continue or hang up.</param>
/// <param name="Mode">
/// <see cref="MachineDetectionMode.Default"/> = asynchronous (the NCCO runs meanwhile; human/machine and beep events);
/// <see cref="MachineDetectionMode.Detect"/> = synchronous verdict only; <see cref="MachineDetectionMode.DetectBeep"/> =
/// synchronous, and for a machine also the beep (or its timeout) before the NCCO goes on.
/// </param>
/// <param name="BeepTimeout">How long to wait for the beep after a <c>machine</c> verdict (<c>beep_timeout</c>); null = <see cref="DefaultBeepTimeout"/>.</param>
public sealed record MachineDetectionSettings(MachineDetectionBehavior Behavior, MachineDetectionMode Mode, TimeSpan? BeepTimeout = null)
{
    /// <summary>Beep wait when <c>beep_timeout</c> is not given: 45 s, the smallest value every SDK accepts.</summary>
    public static TimeSpan DefaultBeepTimeout { get; } = TimeSpan.FromSeconds(45);

    /// <summary>Whether this mode sends beep events (<c>machine</c> with <c>sub_state</c>).</summary>
    public bool ReportsBeep => Mode is MachineDetectionMode.Default or MachineDetectionMode.DetectBeep;

    /// <summary>The beep wait in effect.</summary>
    public TimeSpan EffectiveBeepTimeout => BeepTimeout ?? DefaultBeepTimeout;

    /// <summary>
    /// The settings of a <c>connect</c> or a REST call: advanced detection wins when both are set; standard detection is
    /// synchronous with no beep events. Null when neither is set.
    /// </summary>
    public static MachineDetectionSettings? From(MachineDetectionBehavior? standard, AdvancedMachineDetection? advanced) =>
        advanced is { } adv
            ? new MachineDetectionSettings(adv.Behavior, adv.Mode, adv.BeepTimeout is int s ? TimeSpan.FromSeconds(s) : null)
            : standard is { } md ? new MachineDetectionSettings(md, MachineDetectionMode.Detect) : null;
}
