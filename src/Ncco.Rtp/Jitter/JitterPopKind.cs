namespace Ncco.Rtp.Jitter;

/// <summary>What a pop produced.</summary>
public enum JitterPopKind
{
    /// <summary>A packet (its payload was copied out).</summary>
    Packet,

    /// <summary>The next packet is missing while later ones are here: it is lost, conceal one frame.</summary>
    Lost,

    /// <summary>Nothing to play: filling up to the target depth (at the start or after an underrun).</summary>
    Buffering,
}
