namespace Ncco.Model;

/// <summary>What an <c>input</c> action listens for (<c>type</c>).</summary>
[Flags]
public enum InputTypes
{
    /// <summary>Nothing; never valid on the wire.</summary>
    None = 0,

    /// <summary>Key presses (<c>"dtmf"</c>).</summary>
    Dtmf = 1,

    /// <summary>Speech recognition (<c>"speech"</c>).</summary>
    Speech = 2,
}

/// <summary>How an <c>input</c> action reports digits (<c>mode</c>).</summary>
public enum InputMode
{
    /// <summary>One result webhook when input completes; the NCCO waits. The default.</summary>
    Synchronous,

    /// <summary>Each digit is posted as it is pressed and the NCCO moves on (DTMF only).</summary>
    Asynchronous,
}

/// <summary>Recording file format (<c>format</c>).</summary>
public enum RecordingFormat
{
    /// <summary>MP3, 16 kHz, CBR 32 kbit/s. The default up to two channels.</summary>
    Mp3,

    /// <summary>16-bit PCM WAV at 16 kHz. The default above two channels.</summary>
    Wav,

    /// <summary>Ogg container.</summary>
    Ogg,
}

/// <summary>What a standard machine detection does when it hears a machine (<c>machineDetection</c>).</summary>
public enum MachineDetectionBehavior
{
    /// <summary>Keep the call and send a <c>machine</c> event.</summary>
    Continue,

    /// <summary>Hang the leg up.</summary>
    Hangup,
}

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

/// <summary>How <c>connect</c> reports the new leg's events (<c>eventType</c>).</summary>
public enum ConnectEventType
{
    /// <summary>The default: events are informational.</summary>
    Asynchronous,

    /// <summary>The event webhook may answer a failed connect with a replacement NCCO.</summary>
    Synchronous,
}

/// <summary>How a WebSocket endpoint authenticates to the application (<c>authorization.type</c>).</summary>
public enum WebSocketAuthorizationType
{
    /// <summary><c>Authorization: Bearer</c> with the same JWT as signed webhooks.</summary>
    Vonage,

    /// <summary>The configured value is sent verbatim as the Authorization header.</summary>
    Custom,
}
