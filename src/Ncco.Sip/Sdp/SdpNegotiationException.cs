namespace Ncco.Sip.Sdp;

/// <summary>Offer/answer failed: no usable audio stream or no common codec. A UAS answers 488 (RFC 3261 §13.3.1.1).</summary>
public sealed class SdpNegotiationException(string reason) : Exception(reason)
{
    /// <summary>The status to answer with.</summary>
    public int StatusCode => 488;
}
