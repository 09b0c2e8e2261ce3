namespace Ncco.Host.MediaPlane;

/// <summary>The steps of one tick that <see cref="MediaStageProfile"/> times separately.</summary>
internal enum MediaStage
{
    /// <summary>Queued commands (play, stop, topology, legs added and removed).</summary>
    Commands,

    /// <summary>Taking the received frame from the transport (for SIP: jitter buffer and G.711 decode).</summary>
    Receive,

    /// <summary>Resampling the received frame to the media rate.</summary>
    Upsample,

    /// <summary>In-band DTMF detection.</summary>
    Dtmf,

    /// <summary>Voice activity detection.</summary>
    Vad,

    /// <summary>Speech recognition feed.</summary>
    Listen,

    /// <summary>Conversation mixers (and the mixer input/output copies).</summary>
    Mix,

    /// <summary>Reading and summing the leg's playbacks.</summary>
    Playback,

    /// <summary>Leg recordings.</summary>
    Record,

    /// <summary>Resampling what the leg hears to the transport rate.</summary>
    Downsample,

    /// <summary>Handing the frame to the transport (for SIP: G.711 encode, RTP packet, sendto).</summary>
    Send,
}
