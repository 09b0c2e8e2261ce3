namespace Ncco.Sip.Sdp;

/// <summary>What offer/answer settled for the audio stream: everything the RTP side needs to start.</summary>
/// <param name="Codec">The voice codec both sides will use (first in the answer), on the agreed payload type, with the peer's fmtp.</param>
/// <param name="TelephoneEventPayloadType">The RFC 4733 payload type, or null when the peer does not do it.</param>
/// <param name="PtimeMs">Packet time in milliseconds (20 unless the peer asked otherwise).</param>
/// <param name="RemoteAddress">Where to send RTP.</param>
/// <param name="RemotePort">RTP port at the peer.</param>
/// <param name="Direction">Our direction: whether we send, receive, both or neither.</param>
public sealed record NegotiatedAudio(SdpCodec Codec, int? TelephoneEventPayloadType, int PtimeMs, string RemoteAddress, int RemotePort, MediaDirection Direction)
{
    /// <summary>The key we encrypt with (our <c>a=crypto</c>), or null for plain RTP.</summary>
    public SdesCrypto? LocalCrypto { get; init; }

    /// <summary>The peer's key (its <c>a=crypto</c>), which its packets must authenticate with; null for plain RTP.</summary>
    public SdesCrypto? RemoteCrypto { get; init; }

    /// <summary>The clock rate of the agreed telephone-event format (8000, or 48000 beside Opus), or null without one.</summary>
    public int? TelephoneEventClockRate { get; init; }

    /// <summary>True when the media is SRTP.</summary>
    public bool IsSecure => LocalCrypto is not null && RemoteCrypto is not null;

    /// <summary>True when the peer has put us on hold (we may not send).</summary>
    public bool IsOnHold => Direction is MediaDirection.RecvOnly or MediaDirection.Inactive;
}
