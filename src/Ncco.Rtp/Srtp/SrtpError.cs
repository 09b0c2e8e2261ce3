namespace Ncco.Rtp.Srtp;

/// <summary>Why an SRTP or SRTCP packet was dropped.</summary>
public enum SrtpError
{
    /// <summary>Accepted.</summary>
    None,

    /// <summary>Too short for its header and tag, or not RTP version 2.</summary>
    Malformed,

    /// <summary>The authentication tag does not match: forged, damaged, or sent with another key.</summary>
    AuthenticationFailed,

    /// <summary>Its index was seen already or is older than the replay window.</summary>
    Replayed,
}
