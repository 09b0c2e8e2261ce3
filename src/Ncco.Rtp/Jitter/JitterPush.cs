namespace Ncco.Rtp.Jitter;

/// <summary>What the jitter buffer did with a pushed packet.</summary>
public enum JitterPush
{
    /// <summary>Stored for playout.</summary>
    Accepted,

    /// <summary>Stored, and the buffer was reset first (new SSRC or a sequence jump).</summary>
    AcceptedAfterReset,

    /// <summary>Already held or already played: dropped.</summary>
    Duplicate,

    /// <summary>Its turn has passed (it was concealed or skipped): dropped.</summary>
    TooLate,

    /// <summary>Payload larger than <see cref="JitterBufferOptions.MaxPayloadSize"/>: dropped.</summary>
    TooLarge,
}
