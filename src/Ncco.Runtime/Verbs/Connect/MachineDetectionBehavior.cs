namespace Ncco.Model;

/// <summary>What a standard machine detection does when it hears a machine (<c>machineDetection</c>).</summary>
public enum MachineDetectionBehavior
{
    /// <summary>Keep the call and send a <c>machine</c> event.</summary>
    Continue,

    /// <summary>Hang the leg up.</summary>
    Hangup,
}
