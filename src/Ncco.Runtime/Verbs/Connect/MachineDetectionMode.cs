namespace Ncco.Model;

/// <summary>Advanced machine detection mode (<c>mode</c>).</summary>
public enum MachineDetectionMode
{
    /// <summary>Asynchronous: the NCCO keeps running; human, machine and beep events are sent.</summary>
    Default,

    /// <summary>Synchronous: the next action waits for the human/machine verdict. The default.</summary>
    Detect,

    /// <summary>Synchronous: waits for the verdict, then for the beep.</summary>
    DetectBeep,
}
