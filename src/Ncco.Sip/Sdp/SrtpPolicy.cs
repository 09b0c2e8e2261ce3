namespace Ncco.Sip.Sdp;

/// <summary>Whether a call's media is encrypted with SRTP keyed by SDES (RFC 4568 <c>a=crypto</c>).</summary>
public enum SrtpPolicy
{
    /// <summary>Plain RTP: we offer none, and an offer that insists (<c>RTP/SAVP</c>) finds no stream it can use (488).</summary>
    Off,

    /// <summary>
    /// SRTP when the peer wants it: our offers are <c>RTP/AVP</c> with <c>a=crypto</c> ("best effort", what baresip's
    /// <c>srtp</c> and many phones do), and we answer an offer with crypto — <c>RTP/SAVP</c> or <c>RTP/AVP</c> — with ours.
    /// </summary>
    Offer,

    /// <summary>SRTP or no call: our offers are <c>RTP/SAVP</c>, and an offer without a usable <c>a=crypto</c> gets 488.</summary>
    Require,
}
