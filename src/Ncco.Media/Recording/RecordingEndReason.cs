namespace Ncco.Media.Recording;

/// <summary>Why a recording stopped.</summary>
public enum RecordingEndReason
{
    /// <summary>Still recording.</summary>
    None,
    /// <summary>The caller stopped it (call ended, conversation ended, host decision).</summary>
    Stopped,
    /// <summary><c>timeOut</c> reached.</summary>
    TimeOut,
    /// <summary><c>endOnSilence</c> reached.</summary>
    Silence,
    /// <summary><c>endOnKey</c> pressed.</summary>
    Key,
}
