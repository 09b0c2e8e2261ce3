using Ncco.Model.Endpoints;

namespace Ncco.Model.Actions;

/// <summary>Advanced answering-machine detection (<c>advancedMachineDetection</c>; inner keys are snake_case).</summary>
public sealed record AdvancedMachineDetection
{
    /// <summary>What to do when a machine answers. Default continue.</summary>
    public MachineDetectionBehavior Behavior { get; init; } = MachineDetectionBehavior.Continue;

    /// <summary>Synchronous or asynchronous detection. Default <see cref="MachineDetectionMode.Detect"/>.</summary>
    public MachineDetectionMode Mode { get; init; } = MachineDetectionMode.Detect;

    /// <summary>Seconds to wait for the beep (45–120); on expiry a <c>machine</c> event with <c>beep_timeout</c>.</summary>
    public int? BeepTimeout { get; init; }
}
