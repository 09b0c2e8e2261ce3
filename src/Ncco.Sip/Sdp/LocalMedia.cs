namespace Ncco.Sip.Sdp;

/// <summary>What this side can do for audio: where it receives RTP and which codecs it accepts, best first.</summary>
/// <param name="Address">Address written in c= and o= (the public address when behind NAT).</param>
/// <param name="Port">Local RTP port.</param>
public sealed record LocalMedia(string Address, int Port)
{
    /// <summary>Voice codecs in order of preference (as offered; as answerer the offerer's order wins among these).</summary>
    public IReadOnlyList<SdpCodec> Codecs { get; init; } = [SdpCodec.G722, SdpCodec.Pcmu, SdpCodec.Pcma];

    /// <summary>Whether RFC 4733 telephone-event is offered/accepted.</summary>
    public bool TelephoneEvents { get; init; } = true;

    /// <summary>Packet time we ask for.</summary>
    public int PtimeMs { get; init; } = 20;

    /// <summary>The direction we want (SendOnly to put the peer on hold).</summary>
    public MediaDirection Direction { get; init; } = MediaDirection.SendRecv;

    /// <summary>Session id for o=; keep it for the dialog.</summary>
    public ulong SessionId { get; init; } = 1;

    /// <summary>Session version for o=; bump it on every changed description.</summary>
    public ulong SessionVersion { get; init; } = 1;

    /// <summary>Whether to offer or require SRTP (SDES), or neither (<see cref="SrtpPolicy"/>). Default off.</summary>
    public SrtpPolicy Srtp { get; init; }

    /// <summary>
    /// Our SRTP master key and salt for this call (30 bytes in base64, <see cref="SdesCrypto.InlineKey"/>); required
    /// unless <see cref="Srtp"/> is off. Generate a fresh one per call.
    /// </summary>
    public string? SrtpKey { get; init; }

    /// <summary>IP4 or IP6 by the look of the address.</summary>
    public string AddressType => Address.Contains(':') ? "IP6" : "IP4";
}
