namespace Ncco.Model;

/// <summary>How <c>connect</c> reports the new leg's events (<c>eventType</c>).</summary>
public enum ConnectEventType
{
    /// <summary>The default: events are informational.</summary>
    Asynchronous,

    /// <summary>The event webhook may answer a failed connect with a replacement NCCO.</summary>
    Synchronous,
}
