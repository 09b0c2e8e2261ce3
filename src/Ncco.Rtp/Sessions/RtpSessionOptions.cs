using System.Net;
using Ncco.Rtp.Jitter;

namespace Ncco.Rtp.Sessions;

/// <summary>Settings of one RTP session (one media leg), usually filled from the SDP offer/answer.</summary>
public sealed record RtpSessionOptions
{
    /// <summary>Audio codec: "PCMU", "PCMA", "G722" (static payload types 0, 8, 9) or "opus" (dynamic, <see cref="CodecPayloadType"/>).</summary>
    public string Codec { get; init; } = "PCMU";

    /// <summary>The payload type SDP agreed for a dynamic codec (Opus); null for its default (111). Ignored for static codecs.</summary>
    public byte? CodecPayloadType { get; init; }

    /// <summary>The peer's <c>a=fmtp</c> value for the codec (Opus: maxplaybackrate, useinbandfec…), which our encoder follows; null for none.</summary>
    public string? CodecParameters { get; init; }

    /// <summary>Negotiated telephone-event payload type (RFC 4733), or null when the peer did not offer it.</summary>
    public byte? TelephoneEventPayloadType { get; init; } = 101;

    /// <summary>
    /// The telephone-event clock rate from its rtpmap (8000 usually; 48000 beside Opus when the peer offers it); null for
    /// the audio codec's. Event durations are counted in it; the events' timestamps follow the audio stream's.
    /// </summary>
    public int? TelephoneEventClockRate { get; init; }

    /// <summary>Where to send RTP, from the peer's SDP; null = wait for its packets (comedia).</summary>
    public IPEndPoint? RemoteRtp { get; init; }

    /// <summary>Where to send RTCP; null = the RTP address with port + 1.</summary>
    public IPEndPoint? RemoteRtcp { get; init; }

    /// <summary>
    /// Comedia-style latching: after <see cref="LatchAfterPackets"/> valid packets in a row from one source (same SSRC,
    /// expected payload type), send to where they come from instead of the SDP address, and ignore other sources.
    /// When false, only packets from <see cref="RemoteRtp"/> are accepted.
    /// </summary>
    public bool Latching { get; init; } = true;

    /// <summary>Valid packets from one source needed to latch onto it.</summary>
    public int LatchAfterPackets { get; init; } = 3;

    /// <summary>Mean RTCP report interval (RFC 3550 §6.2 minimum is 5 s); each interval is randomised to 0.5–1.5×.</summary>
    public TimeSpan RtcpInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>SDES CNAME; null = a random one per session.</summary>
    public string? CanonicalName { get; init; }

    /// <summary>Our SSRC; null = random.</summary>
    public uint? Ssrc { get; init; }

    /// <summary>Jitter buffer settings (frame units are set from the codec).</summary>
    public JitterBufferOptions JitterBuffer { get; init; } = new();

    /// <summary>
    /// Receive RTP in <see cref="RtpSession.ReadFrame"/> (the caller's thread) instead of in a background loop: each
    /// call takes the datagrams waiting on the socket without blocking, at most <see cref="RtpSession.MaxDatagramsPerRead"/>.
    /// For a media thread that reads every 20 ms it saves a thread-pool work item and an epoll wake-up per packet —
    /// with hundreds of legs, most of the process's receive cost. Arrival times (and so the interarrival jitter in
    /// our RTCP reports) are then those of the reads, 20 ms apart. RTCP is received in the background either way.
    /// Default false: packets are taken as they arrive, and statistics move without reads.
    /// </summary>
    public bool ReceiveOnRead { get; init; }

    /// <summary>
    /// <see cref="RtpSession.WriteFrame"/> builds the packet (encoding, header, the DTMF event) but does not send it:
    /// <see cref="RtpSession.FlushSend"/> does, or the next <see cref="RtpSession.WriteFrame"/> first thing. For a media
    /// thread that builds every leg's frame and then sends all of them in one tight loop at a fixed instant after its
    /// tick: the packets then leave at the same offset every tick, so the time spent building frames (which varies with
    /// commands, new calls and whatever else the tick did) does not reach the streams' timing. Default false: sent at once.
    /// </summary>
    public bool DeferSend { get; init; }

    /// <summary>
    /// Send RTP and RTCP, and read RTP with <see cref="ReceiveOnRead"/>, with libc's <c>sendto</c>/<c>recvfrom</c> on the
    /// sockets' descriptors (Linux; elsewhere the setting does nothing): one non-blocking system call per datagram, no
    /// exception for a failure (counted in <see cref="RtpSessionStatistics.SendErrors"/>), and a read that finds the
    /// socket costs one call per datagram plus the one that finds it empty (the <c>Socket</c> path asks <c>FIONREAD</c> before each receive: one datagram is three calls, here two). A full send buffer drops the packet instead of blocking the media
    /// thread. Default true; false uses <see cref="System.Net.Sockets.Socket"/>'s methods.
    /// </summary>
    public bool DirectSocketCalls { get; init; } = true;

    /// <summary>
    /// Kernel-timed sending (Linux io_uring, shared by the sessions of one media plane): each RTP packet is queued with the
    /// instant its frame is due (<see cref="PacedSender.FrameDeadline"/> when it is built) and the kernel sends it then,
    /// even while the process is paused by a garbage collection. Null (default): sent when built or flushed. Packets a
    /// closing session still has queued are cancelled before its socket closes. RTCP is always sent at once.
    /// </summary>
    public PacedSender? Pacer { get; init; }

    /// <summary>
    /// SRTP (RFC 3711, <c>AES_CM_128_HMAC_SHA1_80</c>): the master key our packets are protected with (the one our SDP
    /// offered or answered in <c>a=crypto</c>). Set with <see cref="SrtpReceiveKey"/>, or neither for plain RTP.
    /// </summary>
    public Srtp.SrtpMasterKey? SrtpSendKey { get; init; }

    /// <summary>SRTP: the peer's master key (from its <c>a=crypto</c>), which its packets must authenticate with.</summary>
    public Srtp.SrtpMasterKey? SrtpReceiveKey { get; init; }

    /// <summary>Duration of a DTMF key sent with <see cref="RtpSession.SendDigit"/> when none is given.</summary>
    public TimeSpan DigitDuration { get; init; } = TimeSpan.FromMilliseconds(100);
}
