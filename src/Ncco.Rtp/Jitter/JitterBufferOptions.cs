namespace Ncco.Rtp.Jitter;

/// <summary>Jitter-buffer settings. Depths count packets (one 20 ms frame each for a normal leg).</summary>
public sealed record JitterBufferOptions
{
    /// <summary>RTP timestamp units of one frame (160 for 20 ms of PCMU/PCMA/G.722).</summary>
    public int FrameTimestampUnits { get; init; } = 160;

    /// <summary>Smallest playout depth, in frames.</summary>
    public int MinDepth { get; init; } = 1;

    /// <summary>Largest playout depth, in frames (bounds added latency: 10 × 20 ms = 200 ms).</summary>
    public int MaxDepth { get; init; } = 10;

    /// <summary>Depth before any jitter has been measured.</summary>
    public int InitialDepth { get; init; } = 2;

    /// <summary>Slots held (packets further ahead than this push the oldest out).</summary>
    public int Capacity { get; init; } = 32;

    /// <summary>
    /// Largest payload stored; larger ones are rejected. The default takes anything that fits a 1500-byte datagram
    /// (some senders, ffmpeg among them, fill packets up to the MTU rather than sending 20 ms each).
    /// </summary>
    public int MaxPayloadSize { get; init; } = 1488;

    /// <summary>A sequence jump larger than this (either way) within one SSRC is a restart, not reordering.</summary>
    public int MaxSequenceJump { get; init; } = 100;

    /// <summary>
    /// Consecutive pops with more than target + 1 packets buffered before packets are dropped to cut latency (10 =
    /// every 200 ms at most, enough to absorb a sender clock up to 10 % fast): one, or when packets kept arriving
    /// through those pops, all those beyond target + 1 at the shallowest point (the backlog of a stall, in one cut).
    /// </summary>
    public int ShrinkAfterPops { get; init; } = 10;

    /// <summary>Throws when the values are inconsistent.</summary>
    public void Validate()
    {
        if (FrameTimestampUnits < 1 || MinDepth < 1 || MaxDepth < MinDepth || InitialDepth < MinDepth || InitialDepth > MaxDepth
            || Capacity < MaxDepth + 2 || Capacity > 1024 || MaxPayloadSize < 1 || MaxSequenceJump < 1 || ShrinkAfterPops < 1)
        {
            throw new ArgumentException($"inconsistent jitter buffer options: {this}");
        }
    }
}
