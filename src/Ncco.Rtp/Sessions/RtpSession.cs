using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Ncco.Media.Dtmf;
using Ncco.Rtp.Codecs;
using Ncco.Rtp.Jitter;
using Ncco.Rtp.Packets;
using Ncco.Rtp.Ports;
using Ncco.Rtp.Rtcp;

namespace Ncco.Rtp.Sessions;

/// <summary>
/// One RTP/RTCP media session over UDP (RFC 3550) for one call leg. The media thread calls <see cref="ReadFrame"/> and
/// <see cref="WriteFrame"/> once per 20 ms tick: neither blocks on the network nor allocates. Two background loops
/// receive RTP (into the jitter buffer, telephone events into a small queue) and RTCP. RTCP reports go out from the
/// media thread's calls when due, so they follow the injected <see cref="TimeProvider"/>. Disposing sends BYE, stops
/// the loops and frees the port pair.
/// </summary>
public sealed class RtpSession : IAsyncDisposable
{
    private const int MaxDtmfQueue = 16;

    /// <summary>Keys that may wait to be sent (about 5 s of 100 ms keys with their gaps).</summary>
    public const int MaxQueuedDigits = 32;
    private const int ConcealFrames = 3;

    /// <summary>Most datagrams one <see cref="ReadFrame"/> takes from the socket with <see cref="RtpSessionOptions.ReceiveOnRead"/> (a burst beyond it waits for the next read).</summary>
    public const int MaxDatagramsPerRead = 16;

    private readonly RtpPortLease _lease;
    private readonly RtpSessionOptions _options;
    private readonly TimeProvider _time;
    private readonly IAudioCodec _codec;
    private readonly JitterBuffer _jitter;
    private readonly Lock _gate = new(); // receive loop ↔ media thread: jitter buffer, statistics, DTMF queue, remote
    private readonly string _cname;
    private readonly int _eventClockRate;

    private const int FixedHeaderSize = 12; // RFC 3550 5.1 without CSRCs or an extension, as Send writes it

    // Payload bytes the jitter buffer is sized for at setup: 30 ms of G.711 or G.722. Peers often send 30 ms packets
    // without saying so in their SDP (SIPp's own G.711 capture does), and sizing for 20 ms would leave those legs'
    // first packets to grow the slots on the media thread; longer packets still grow them once.
    private const int ReservedPayloadBytes = 240;

    // Media-thread buffers, preallocated for what a call holds all its life, sized for its codec rather than for the
    // largest datagram (an idle call's memory is mostly such buffers). The receive and RTCP buffers are not held: a
    // datagram is received, and an RTCP report built, on the media thread's stack (see ReceiveWaiting, MaybeSendRtcp).
    private readonly byte[] _sendBuffer; // one packet: header, the codec's largest frame (or an event), the SRTP tag
    private byte[] _popBuffer = []; // as large as the jitter buffer's largest payload (see JitterBuffer.PayloadCapacity)
    private short[] _pcm; // decoded samples waiting to be read: grows to the largest packet's samples (see Compact)
    private readonly short[] _lastFrame;
    private readonly SocketAddress? _receiveSource; // RtpSessionOptions.ReceiveOnRead: where the last datagram came from
    private readonly SocketAddress? _receiveSecondSource; // ... and the second of a pair taken in one call (DirectSocketCalls)
    // RtpSessionOptions.DirectSocketCalls on Linux: libc's sendto/recvfrom on the sockets' descriptors; null: the Socket's methods.
    private readonly NativeDatagram? _rtpNative;
    private readonly NativeDatagram? _rtcpNative;
    // RtpSessionOptions.Pacer: this session's packets in the kernel-timed sender, which go out on the RTP socket (kept
    // open until the kernel is done with every one: DisposeAsync).
    private readonly PacedStream? _paced;
    // With a pacer, _timestamp belongs to a frame that leaves the lead from now: a sender report pairs "now" with the
    // timestamp that many RTP clock units earlier (RFC 3550 6.4.1: derived from the clock, not the next packet).
    private readonly uint _leadTimestampUnits;
    private int _pcmStart;
    private int _pcmCount;
    private int _concealed;

    // Sender state (media thread).
    private ushort _sequence;
    private uint _timestamp;
    private bool _talkspurtStart = true;
    private long _packetsSent;
    private long _octetsSent;
    // RtpSessionOptions.DeferSend: the packet WriteFrame built in _sendBuffer, waiting for FlushSend (length 0: none).
    private int _pendingLength;
    private int _pendingPayloadLength;
    private SocketAddress? _pendingRemote;
    private long _pendingDeadline; // the pacer's instant for the waiting packet (0: at once)
    private long _nextRtcpAt;
    private readonly Queue<(char Digit, TimeSpan Duration)> _digitsToSend = new();
    private IReadOnlyList<TelephoneEventPacket>? _digitPackets;
    private int _digitPacketIndex;

    // Shared state, under _gate.
    private SocketAddress? _remoteRtp;
    private SocketAddress? _remoteRtcp;
    private IPEndPoint? _remoteRtpEndPoint;
    private SocketAddress? _configuredRtp; // the SDP address: the only accepted source when latching is off
    private bool _latched;
    private SocketAddress? _candidate;
    // Latching's addresses, preallocated since the first packets arrive on the media thread: the candidate being
    // counted, and the latched RTP and RTCP addresses, two of each used in turn so a send that still holds the previous
    // latch's address (read under the gate, sent outside it) never sees it rewritten.
    private readonly SocketAddress _candidateAddress;
    private readonly SocketAddress[] _latchedRtp;
    private readonly SocketAddress[] _latchedRtcp;
    private int _latches;
    private uint _candidateSsrc;
    private int _candidateCount;
    private uint? _remoteSsrc;
    private ReceptionStatistics? _reception;
    // What _reception points to once a stream arrived: one object restarted per SSRC (the media thread receives).
    private readonly ReceptionStatistics _receptionState = new(0, 0);
    private readonly TelephoneEventReceiver _events = new();
    private readonly DtmfDetection[] _dtmf = new DtmfDetection[MaxDtmfQueue];
    private int _dtmfStart;
    private int _dtmfCount;
    private long _packetsReceived, _malformed, _stray, _unexpectedType, _rtcpReceived, _rtcpSent, _sendErrors, _concealedFrames;
    private bool _remoteBye;
    private bool _rtcpLatched;

    private Task? _rtpLoop;
    private Task? _rtcpLoop;
    // The receive loops' datagram buffers, rented from the ports' pool; handed back once their loop has stopped.
    private byte[]? _rtpLoopBuffer;
    private byte[]? _rtcpLoopBuffer;
    private int _disposed;

    // SRTP (null for plain RTP): the sender's context on the media thread (RTCP under its own lock, as BYE is sent from
    // DisposeAsync), the receiver's under _gate (RTP) or on the RTCP loop, each with its scratch buffer to decrypt into.
    private readonly Srtp.SrtpContext? _srtpSend;
    private readonly Srtp.SrtpContext? _srtpReceive;
    private readonly object _srtcpSendGate = new();
    private readonly byte[]? _srtpScratch;
    private readonly byte[]? _srtcpScratch;

    /// <summary>
    /// Creates a session on a leased port pair, taking ownership of the lease (disposed with the session, or at once
    /// if the options are refused). Call <see cref="Start"/> to begin receiving.
    /// </summary>
    public RtpSession(RtpPortLease lease, RtpSessionOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(lease);
        ArgumentNullException.ThrowIfNull(options);
        // The session owns the lease from here on: refusing the options must not strand the ports.
        try
        {
            _lease = lease;
            _options = options;
            _time = timeProvider ?? TimeProvider.System;
            _codec = AudioCodecs.Create(options.Codec, options.CodecPayloadType, options.CodecParameters) ?? throw new ArgumentException($"unsupported codec '{options.Codec}' (supported: {string.Join(", ", AudioCodecs.Supported)})", nameof(options));
            ArgumentOutOfRangeException.ThrowIfLessThan(options.LatchAfterPackets, 1, nameof(options));
            if (options.RtcpInterval <= TimeSpan.Zero)
            {
                throw new ArgumentException("RtcpInterval must be positive", nameof(options));
            }
            // Its storage lives as long as the call: rented from the ports' pool, handed back at DisposeAsync.
            _jitter = new JitterBuffer(options.JitterBuffer with { FrameTimestampUnits = _codec.TimestampUnitsPerFrame }, lease.Buffers);
            // Sized here, at setup, not by the first packet on the media thread (8 KB a G.711 call). Capped: Opus's
            // largest packet would cost 40 KB a call for a size its usual 20–80-byte packets never need.
            _jitter.Reserve(Math.Min(_codec.BytesPerFrame * 3 / 2, ReservedPayloadBytes));
            _popBuffer = new byte[_jitter.PayloadCapacity];
            if (options.TelephoneEventClockRate is < 1000 or > 96000)
            {
                throw new ArgumentException($"TelephoneEventClockRate {options.TelephoneEventClockRate} is not an RTP clock rate", nameof(options));
            }
            _eventClockRate = options.TelephoneEventClockRate ?? _codec.ClockRate;
            _sendBuffer = new byte[SendBufferSize(_codec)];
            // Three frames: what is left of the last packet (under a frame) plus a 30 ms packet, or one of the 256
            // bytes the jitter buffer reserves for, decodes in place; longer packets grow it once.
            _pcm = new short[_codec.SamplesPerFrame * 3];
            _lastFrame = new short[_codec.SamplesPerFrame];
            Ssrc = options.Ssrc ?? (uint)RandomNumberGenerator.GetInt32(int.MaxValue);
            _sequence = (ushort)RandomNumberGenerator.GetInt32(ushort.MaxValue);
            _timestamp = (uint)RandomNumberGenerator.GetInt32(int.MaxValue);
            _cname = options.CanonicalName ?? $"ncco-{Convert.ToHexString(RandomNumberGenerator.GetBytes(6)).ToLowerInvariant()}";
            if (options.RemoteRtp is { } remote)
            {
                _configuredRtp = remote.Serialize();
                SetRemoteLocked(remote, options.RemoteRtcp);
            }
            _nextRtcpAt = _time.GetTimestamp() + NextRtcpDelayTicks();
            if ((options.SrtpSendKey is null) != (options.SrtpReceiveKey is null))
            {
                throw new ArgumentException("SRTP needs both keys (SrtpSendKey and SrtpReceiveKey) or neither", nameof(options));
            }
            if (options.SrtpSendKey is { } sendKey && options.SrtpReceiveKey is { } receiveKey)
            {
                _srtpSend = new Srtp.SrtpContext(sendKey);
                _srtpReceive = new Srtp.SrtpContext(receiveKey);
                _srtpScratch = new byte[RtpPacket.MaxDatagramSize];
                _srtcpScratch = new byte[RtpPacket.MaxDatagramSize];
            }
            if (options.Pacer is { } pacer && OperatingSystem.IsLinux())
            {
                _paced = pacer.Open((int)lease.RtpSocket.SafeHandle.DangerousGetHandle());
                _leadTimestampUnits = (uint)(pacer.Lead.Ticks * _codec.ClockRate / TimeSpan.TicksPerSecond);
            }
            if (options.DirectSocketCalls)
            {
                _rtpNative = NativeDatagram.For(lease.RtpSocket);
                _rtcpNative = NativeDatagram.For(lease.RtcpSocket);
            }
            var family = lease.RtpSocket.AddressFamily;
            var size = SocketAddress.GetMaximumAddressSize(family);
            _candidateAddress = new SocketAddress(family, size);
            _latchedRtp = [new SocketAddress(family, size), new SocketAddress(family, size)];
            _latchedRtcp = [new SocketAddress(family, size), new SocketAddress(family, size)];
            if (options.ReceiveOnRead)
            {
                _receiveSource = new SocketAddress(lease.RtpSocket.AddressFamily);
                if (_rtpNative is not null) _receiveSecondSource = new SocketAddress(lease.RtpSocket.AddressFamily);
            }
        }
        catch
        {
            lease.Dispose();
            throw;
        }
    }

    /// <summary>Our SSRC.</summary>
    public uint Ssrc { get; }

    /// <summary>Local RTP port (RTCP is +1).</summary>
    public int LocalRtpPort => _lease.RtpPort;

    /// <summary>The codec in use.</summary>
    public IAudioCodec Codec => _codec;

    /// <summary>PCM sample rate of frames (8000 for G.711, 16000 for G.722).</summary>
    public int SampleRate => _codec.SampleRate;

    /// <summary>Samples per 20 ms frame.</summary>
    public int SamplesPerFrame => _codec.SamplesPerFrame;

    /// <summary>The SDES CNAME we send.</summary>
    public string CanonicalName => _cname;

    /// <summary>Jitter buffer counters.</summary>
    public JitterBufferStatistics JitterStatistics
    {
        get
        {
            lock (_gate)
            {
                return _jitter.Statistics;
            }
        }
    }

    /// <summary>Counters and peer state.</summary>
    public RtpSessionStatistics Statistics
    {
        get
        {
            lock (_gate)
            {
                return new RtpSessionStatistics(
                    Interlocked.Read(ref _packetsSent), Interlocked.Read(ref _octetsSent), _packetsReceived, _malformed, _stray,
                    _unexpectedType, _rtcpReceived, Interlocked.Read(ref _rtcpSent), Interlocked.Read(ref _sendErrors) + (_paced?.Failed ?? 0),
                    Interlocked.Read(ref _concealedFrames), RemoteRtpEndPointLocked(), _latched, _remoteSsrc, _remoteBye);
            }
        }
    }

    /// <summary>
    /// Bytes of the buffers this session holds for its whole life (send, pop, decoded samples, the last frame, the jitter
    /// buffer's payloads, SRTP's scratch): what an idle call pays for its RTP besides the sockets.
    /// </summary>
    internal int HeldBufferBytes =>
        _sendBuffer.Length + _popBuffer.Length + (2 * (_pcm.Length + _lastFrame.Length)) + (_jitter.Options.Capacity * _jitter.PayloadCapacity)
        + (_srtpScratch?.Length ?? 0) + (_srtcpScratch?.Length ?? 0);

    /// <summary>Reception statistics of the peer's stream (null until its first packet).</summary>
    public ReportBlock? CurrentReceptionReport
    {
        get
        {
            lock (_gate)
            {
                return _reception is null ? null : new ReportBlock(
                    _reception.Ssrc, 0, (int)Math.Clamp(_reception.CumulativeLost, -0x800000, 0x7FFFFF),
                    _reception.ExtendedHighestSequence, _reception.Jitter, 0, 0);
            }
        }
    }

    /// <summary>Starts the receive loops.</summary>
    public void Start()
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (_rtpLoop is not null)
        {
            return;
        }
        if (_options.ReceiveOnRead)
        {
            _rtpLoop = Task.CompletedTask;
        }
        else
        {
            _rtpLoopBuffer = _lease.Buffers.Rent(RtpPacket.MaxDatagramSize);
            _rtpLoop = StartLoop(_lease.RtpSocket, OnRtp, _rtpLoopBuffer);
        }
        _rtcpLoopBuffer = _lease.Buffers.Rent(RtpPacket.MaxDatagramSize);
        _rtcpLoop = StartLoop(_lease.RtcpSocket, OnRtcp, _rtcpLoopBuffer);
    }

    private static Task StartLoop(System.Net.Sockets.Socket socket, DatagramHandler handle, byte[] buffer)
    {
        var loop = new DatagramReceiveLoop(socket, handle, buffer);
        loop.Start();
        return loop.Completion;
    }

    /// <summary>Changes the peer address (a new SDP answer or re-INVITE); latching starts over.</summary>
    public void SetRemote(IPEndPoint rtp, IPEndPoint? rtcp = null)
    {
        ArgumentNullException.ThrowIfNull(rtp);
        lock (_gate)
        {
            _latched = false;
            _rtcpLatched = false;
            _candidate = null;
            _candidateCount = 0;
            _configuredRtp = rtp.Serialize();
            SetRemoteLocked(rtp, rtcp);
        }
    }

    /// <summary>
    /// Fills <paramref name="frame"/> (exactly <see cref="SamplesPerFrame"/> samples) with the next 20 ms of received
    /// audio. Returns false, with the frame silent, when nothing is playing (not started, underrun after concealment).
    /// </summary>
    public bool ReadFrame(Span<short> frame)
    {
        if (frame.Length != _codec.SamplesPerFrame)
        {
            throw new ArgumentException($"frame must hold {_codec.SamplesPerFrame} samples", nameof(frame));
        }
        if (_receiveSource is not null && _rtpLoop is not null)
        {
            ReceiveWaiting();
        }
        var produced = true;
        lock (_gate)
        {
            while (_pcmCount < frame.Length)
            {
                if (_popBuffer.Length < _jitter.PayloadCapacity)
                {
                    _popBuffer = new byte[_jitter.PayloadCapacity];
                }
                var pop = _jitter.Pop(_popBuffer);
                if (pop.Kind == JitterPopKind.Packet)
                {
                    if (pop.PayloadType != _codec.PayloadType)
                    {
                        // A telephone-event packet held its place in the sequence: the peer sent it instead of
                        // audio for this tick, so play silence rather than concealing a "loss".
                        AppendSilence();
                        continue;
                    }
                    AppendDecoded(_popBuffer.AsSpan(0, pop.PayloadLength));
                    _concealed = 0;
                }
                else if (pop.Kind == JitterPopKind.Lost || _lastFrameValid)
                {
                    // A lost packet, or an underrun right after audio: bridge it rather than cut to silence.
                    AppendConcealment(pop.Kind == JitterPopKind.Lost ? _jitter.PeekNext(_codec.PayloadType) : default);
                }
                else
                {
                    produced = false;
                    break;
                }
            }
            if (produced)
            {
                _pcm.AsSpan(_pcmStart, frame.Length).CopyTo(frame);
                _pcmStart += frame.Length;
                _pcmCount -= frame.Length;
                frame.CopyTo(_lastFrame);
            }
            else
            {
                _pcmCount = 0;
                _pcmStart = 0;
            }
        }
        if (!produced)
        {
            frame.Clear();
        }
        MaybeSendRtcp();
        return produced;
    }

    /// <summary>
    /// Encodes and sends one 20 ms frame (exactly <see cref="SamplesPerFrame"/> samples); while a DTMF key is being
    /// sent, its telephone-event packet goes instead. With <see cref="RtpSessionOptions.DeferSend"/> the packet is built
    /// and waits for <see cref="FlushSend"/>; a packet still waiting from the previous frame is sent first.
    /// </summary>
    public void WriteFrame(ReadOnlySpan<short> frame)
    {
        if (frame.Length != _codec.SamplesPerFrame)
        {
            throw new ArgumentException($"frame must hold {_codec.SamplesPerFrame} samples", nameof(frame));
        }
        // The waiting packet lives in the send buffer this frame is about to be encoded into.
        FlushSend();
        SocketAddress? remote;
        lock (_gate)
        {
            remote = _remoteRtp;
        }
        if (_digitPackets is null && _digitsToSend.Count > 0)
        {
            var (digit, duration) = _digitsToSend.Dequeue();
            _digitPackets = TelephoneEventSender.Packets(digit, duration, _timestamp, _eventClockRate);
            _digitPacketIndex = 0;
        }
        if (_digitPackets is not null && _options.TelephoneEventPayloadType is { } eventType)
        {
            var packet = _digitPackets[_digitPacketIndex++];
            Span<byte> payload = stackalloc byte[TelephoneEvent.Size];
            packet.Payload.Encode(payload);
            Send(remote, packet.Marker, eventType, packet.Timestamp, payload);
            if (_digitPacketIndex == _digitPackets.Count)
            {
                _digitPackets = null;
                _talkspurtStart = true; // audio resumes as a new talkspurt
            }
        }
        else
        {
            // Encoded in place, after the fixed header: Send's header write leaves the payload where it is (one buffer
            // per session instead of two).
            var length = _codec.Encode(frame, _sendBuffer.AsSpan(FixedHeaderSize));
            Send(remote, _talkspurtStart, _codec.PayloadType, _timestamp, _sendBuffer.AsSpan(FixedHeaderSize, length));
            _talkspurtStart = false;
        }
        _timestamp += (uint)_codec.TimestampUnitsPerFrame;
        MaybeSendRtcp();
    }

    /// <summary>
    /// Queues an RFC 4733 key press, sent from the next <see cref="WriteFrame"/> calls (update every 20 ms, the end
    /// packet three times). Media thread only. Returns false when the peer did not negotiate telephone-event, or when
    /// <see cref="MaxQueuedDigits"/> keys are already waiting (a runaway sender must not grow memory).
    /// </summary>
    public bool SendDigit(char digit, TimeSpan? duration = null)
    {
        if (!DtmfDigits.IsDigit(digit))
        {
            throw new ArgumentException($"'{digit}' is not a DTMF key", nameof(digit));
        }
        if (_options.TelephoneEventPayloadType is null || _digitsToSend.Count >= MaxQueuedDigits)
        {
            return false;
        }
        _digitsToSend.Enqueue((digit, duration ?? _options.DigitDuration));
        return true;
    }

    /// <summary>True while queued or in-progress DTMF keys are still being sent.</summary>
    public bool IsSendingDigits => _digitPackets is not null || _digitsToSend.Count > 0;

    /// <summary>Takes the next received RFC 4733 key report (a start, then an end with its duration).</summary>
    public bool TryReadDtmf(out DtmfDetection detection)
    {
        lock (_gate)
        {
            if (_dtmfCount == 0)
            {
                detection = default;
                return false;
            }
            detection = _dtmf[_dtmfStart];
            _dtmfStart = (_dtmfStart + 1) % MaxDtmfQueue;
            _dtmfCount--;
            return true;
        }
    }

    /// <summary>Sends BYE, stops receiving and frees the ports.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        if (_paced is { } paced)
        {
            // Packets still queued for their instant fail unsent (the ring's table no longer holds the socket), and the
            // socket stays open until the kernel has reported each one done (at most the lead: their tick's instant).
            await paced.CloseAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        try
        {
            SendRtcpBye();
        }
        catch (ObjectDisposedException)
        {
            // The lease was disposed under us; nothing to say goodbye with.
        }
        _lease.Dispose(); // closing the sockets completes pending receives
        foreach (var loop in new[] { _rtpLoop, _rtcpLoop })
        {
            if (loop is not null)
            {
                await loop.WaitAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
        // Long-lived buffers go back to the ports' pool for the next call. A loop that did not confirm it stopped may
        // still have a receive pending into its buffer: that one is left to the collector instead.
        if (_rtpLoopBuffer is { } rtpBuffer && _rtpLoop!.IsCompleted)
        {
            _lease.Buffers.Return(rtpBuffer);
        }
        if (_rtcpLoopBuffer is { } rtcpBuffer && _rtcpLoop!.IsCompleted)
        {
            _lease.Buffers.Return(rtcpBuffer);
        }
        lock (_gate)
        {
            // Pushes check _disposed under this lock, so nothing writes into the storage once it is handed back.
            _jitter.ReleaseStorage();
        }
        lock (_srtcpSendGate)
        {
            _srtpSend?.Dispose();
        }
        lock (_gate)
        {
            _srtpReceive?.Dispose();
        }
    }

    private bool _lastFrameValid; // false once concealment has faded out (or before any audio)

    private void AppendDecoded(ReadOnlySpan<byte> payload)
    {
        Compact(_codec.MaxSamplesFor(payload.Length));
        var written = _codec.Decode(payload, _pcm.AsSpan(_pcmStart + _pcmCount));
        if (written == 0)
        {
            // A payload the codec cannot decode (a corrupt Opus packet) is a loss.
            AppendConcealment(default);
            return;
        }
        _pcmCount += written;
        _lastFrameValid = true;
    }

    private void AppendSilence()
    {
        Compact(_lastFrame.Length);
        _pcm.AsSpan(_pcmStart + _pcmCount, _lastFrame.Length).Clear();
        _pcmCount += _lastFrame.Length;
        _lastFrameValid = false;
    }

    private void AppendConcealment(ReadOnlySpan<byte> next)
    {
        // Repeat the last frame, fading (each repeat of the previous output: ×0.7, ×0.6, ×0.5 → −3, −7.5, −13.5 dB),
        // then silence: long gaps are better silent than buzzing. A codec with its own concealment (Opus: FEC from
        // the next packet, else PLC) fills the frame instead, within the same three-frame limit.
        Compact(_lastFrame.Length);
        var target = _pcm.AsSpan(_pcmStart + _pcmCount, _lastFrame.Length);
        var byCodec = _lastFrameValid && _codec.Conceal(next, target);
        if (_lastFrameValid && !byCodec)
        {
            var gain = 0.7f - (0.1f * _concealed);
            for (var i = 0; i < target.Length; i++)
            {
                target[i] = (short)(_lastFrame[i] * gain);
            }
        }
        else if (!byCodec)
        {
            target.Clear();
        }
        _pcmCount += target.Length;
        _concealed++;
        if (_concealed >= ConcealFrames)
        {
            _lastFrameValid = false;
        }
        Interlocked.Increment(ref _concealedFrames);
    }

    private void Compact(int needed)
    {
        if (_pcmCount + needed > _pcm.Length)
        {
            // Sized for a few of the usual frames rather than for the largest packet the jitter buffer admits (1,488
            // samples of G.711 twice over, 6.6 KB a call), it grows once if the peer sends longer packets.
            var grown = new short[Math.Max(_pcm.Length * 2, _pcmCount + needed)];
            Array.Copy(_pcm, _pcmStart, grown, 0, _pcmCount);
            _pcm = grown;
            _pcmStart = 0;
        }
        else if (_pcmStart + _pcmCount + needed > _pcm.Length)
        {
            Array.Copy(_pcm, _pcmStart, _pcm, 0, _pcmCount);
            _pcmStart = 0;
        }
    }

    /// <summary>
    /// Sends the packet the last <see cref="WriteFrame"/> built, if it is still waiting (<see cref="RtpSessionOptions.DeferSend"/>;
    /// without it there is never one). Media thread only. Costs one <c>sendto</c> and nothing else, so a media thread
    /// that flushes every leg in a row at a fixed instant puts each stream's packets 20 ms apart whatever the work of
    /// building them cost.
    /// </summary>
    public void FlushSend()
    {
        if (_pendingLength == 0)
        {
            return;
        }
        var length = _pendingLength;
        var remote = _pendingRemote!;
        _pendingLength = 0;
        _pendingRemote = null;
        Transmit(remote, length, _pendingPayloadLength, _pendingDeadline);
    }

    /// <summary>True while a packet built by <see cref="WriteFrame"/> waits for <see cref="FlushSend"/>.</summary>
    public bool HasPendingSend => _pendingLength != 0;

    private void Send(SocketAddress? remote, bool marker, byte payloadType, uint timestamp, ReadOnlySpan<byte> payload)
    {
        var length = RtpPacket.Write(_sendBuffer, marker, payloadType, _sequence, timestamp, Ssrc, payload);
        _sequence++;
        if (remote is null)
        {
            return; // comedia: nowhere to send until the peer's packets arrive
        }
        // The instant is the frame's, taken as it is built: a packet flushed later (DeferSend) keeps its place.
        var deadline = _paced?.Sender.FrameDeadline ?? 0;
        if (_options.DeferSend)
        {
            _pendingLength = length;
            _pendingPayloadLength = payload.Length;
            _pendingRemote = remote;
            _pendingDeadline = deadline;
            return;
        }
        Transmit(remote, length, payload.Length, deadline);
    }

    private void Transmit(SocketAddress remote, int length, int payloadLength, long deadline)
    {
        try
        {
            // Inside the try: a session disposed under the media thread has disposed its SRTP context too.
            if (_srtpSend is { } srtp)
            {
                length = srtp.ProtectRtp(_sendBuffer, length);
            }
            if (deadline != 0 && _paced is { } paced)
            {
                var queued = paced.Queue(_sendBuffer.AsSpan(0, length), remote, deadline);
                if (queued == PacedSendResult.Closed) return; // the session is closing: nothing more leaves
                if (queued == PacedSendResult.Queued)
                {
                    Interlocked.Increment(ref _packetsSent);
                    Interlocked.Add(ref _octetsSent, payloadLength);
                    return;
                }
            }
            if (_rtpNative is { } native)
            {
                if (native.SendTo(_sendBuffer.AsSpan(0, length), remote) != 0)
                {
                    // Dropped, not retried: a packet late by a tick is as useless to the peer as a lost one.
                    Interlocked.Increment(ref _sendErrors);
                    return;
                }
            }
            else
            {
                _lease.RtpSocket.SendTo(_sendBuffer.AsSpan(0, length), SocketFlags.None, remote);
            }
            Interlocked.Increment(ref _packetsSent);
            Interlocked.Add(ref _octetsSent, payloadLength);
        }
        catch (SocketException)
        {
            Interlocked.Increment(ref _sendErrors);
        }
        catch (ObjectDisposedException)
        {
            Interlocked.Increment(ref _sendErrors);
        }
    }

    private long NextRtcpDelayTicks()
    {
        // §6.3.1: randomise each interval to 0.5–1.5 of the mean so sessions started together do not send together.
        var factor = 0.5 + (RandomNumberGenerator.GetInt32(1000) / 1000.0);
        return (long)(_options.RtcpInterval.TotalSeconds * factor * _time.TimestampFrequency);
    }

    private void MaybeSendRtcp()
    {
        if (_time.GetTimestamp() < _nextRtcpAt || _disposed != 0)
        {
            return;
        }
        _nextRtcpAt = _time.GetTimestamp() + NextRtcpDelayTicks();
        SendRtcpNow();
    }

    /// <summary>The goodbye report, from its own buffer on the stack: the media thread may still be inside WriteFrame
    /// using the shared one, and a datagram-sized array per call ended was ≈ 1.5 KB of garbage per call (issue 19).</summary>
    [SkipLocalsInit] // as below: the report is written before it is read
    private void SendRtcpBye()
    {
        Span<byte> buffer = stackalloc byte[RtpPacket.MaxDatagramSize];
        SendRtcp(buffer, bye: true);
    }

    // Apart from MaybeSendRtcp so the 1.5 KB of stack is taken only when a report is due (every few seconds), not on
    // every frame. Not zeroed: the report is written before it is read.
    [SkipLocalsInit]
    private void SendRtcpNow()
    {
        Span<byte> buffer = stackalloc byte[RtpPacket.MaxDatagramSize];
        SendRtcp(buffer, bye: false);
    }

    /// <summary>
    /// Bytes of the send buffer for <paramref name="codec"/>: the fixed header, the larger of its largest 20 ms frame and
    /// a telephone event, and room for an SRTP authentication tag (182 for G.711, where a datagram-sized buffer was 1,500).
    /// </summary>
    internal static int SendBufferSize(IAudioCodec codec) =>
        FixedHeaderSize + Math.Max(codec.BytesPerFrame, TelephoneEvent.Size) + Srtp.SrtpContext.RtpOverhead;

    private void SendRtcp(Span<byte> buffer, bool bye)
    {
        SocketAddress? remote;
        Span<ReportBlock> blocks = stackalloc ReportBlock[1];
        var blockCount = 0;
        lock (_gate)
        {
            remote = _remoteRtcp;
            if (_reception is not null && !_reception.OnProbation)
            {
                blocks[0] = _reception.CreateReportBlock(_time.GetTimestamp(), _time.TimestampFrequency);
                blockCount = 1;
            }
        }
        if (remote is null)
        {
            return;
        }
        int length;
        var sent = Interlocked.Read(ref _packetsSent);
        if (sent > 0)
        {
            var info = new SenderInfo(SenderInfo.ToNtp(_time.GetUtcNow()), unchecked(_timestamp - _leadTimestampUnits), (uint)sent, (uint)Interlocked.Read(ref _octetsSent));
            length = RtcpCompound.WriteSenderReport(buffer, Ssrc, info, blocks[..blockCount]);
        }
        else
        {
            length = RtcpCompound.WriteReceiverReport(buffer, Ssrc, blocks[..blockCount]);
        }
        length += RtcpCompound.WriteSdesCname(buffer[length..], Ssrc, _cname);
        if (bye)
        {
            length += RtcpCompound.WriteBye(buffer[length..], Ssrc);
        }
        try
        {
            if (_srtpSend is { } srtp)
            {
                lock (_srtcpSendGate)
                {
                    length = srtp.ProtectRtcp(buffer, length);
                }
            }
            if (_rtcpNative is { } native)
            {
                if (native.SendTo(buffer[..length], remote) != 0)
                {
                    Interlocked.Increment(ref _sendErrors);
                    return;
                }
            }
            else
            {
                _lease.RtcpSocket.SendTo(buffer[..length], SocketFlags.None, remote);
            }
            Interlocked.Increment(ref _rtcpSent);
        }
        catch (SocketException)
        {
            Interlocked.Increment(ref _sendErrors);
        }
    }

    private void SetRemoteLocked(IPEndPoint rtp, IPEndPoint? rtcp)
    {
        _remoteRtpEndPoint = rtp;
        _remoteRtp = rtp.Serialize();
        _remoteRtcp = (rtcp ?? new IPEndPoint(rtp.Address, rtp.Port + 1)).Serialize();
    }

    /// <summary>
    /// <see cref="RtpSessionOptions.ReceiveOnRead"/>: takes the datagrams already waiting on the RTP socket. The
    /// pending byte count (one ioctl) is asked first, so the receive never blocks and an empty socket costs no
    /// exception.
    /// </summary>
    [SkipLocalsInit] // the kernel writes the datagram; only its received length is read
    private void ReceiveWaiting()
    {
        if (_rtpNative is { } native)
        {
            ReceiveWaitingDirect(native);
            return;
        }
        // On the stack, not a 1.5 KB array held by every session all call long: the datagram is copied into the
        // jitter buffer (or SRTP's scratch) before this returns.
        Span<byte> buffer = stackalloc byte[RtpPacket.MaxDatagramSize];
        var socket = _lease.RtpSocket;
        for (var i = 0; i < MaxDatagramsPerRead && _disposed == 0; i++)
        {
            int length;
            try
            {
                if (socket.Available == 0)
                {
                    return;
                }
                length = socket.ReceiveFrom(buffer, SocketFlags.None, _receiveSource!);
            }
            catch (SocketException)
            {
                continue; // an ICMP error from an earlier send surfaces here on Linux; it says nothing about the next datagram
            }
            catch (ObjectDisposedException)
            {
                return; // closed by DisposeAsync
            }
            OnRtp(buffer[..length], _receiveSource!);
        }
    }

    /// <summary>
    /// <see cref="ReceiveWaiting"/> with <see cref="RtpSessionOptions.DirectSocketCalls"/>: non-blocking receives of up
    /// to two datagrams a system call (<c>recvmmsg</c>) until the socket has nothing. A peer's one packet per tick —
    /// the usual case — is one call (it was two: the datagram, then the call that found the socket empty).
    /// </summary>
    [SkipLocalsInit] // the kernel writes the datagrams; only their received lengths are read
    private void ReceiveWaitingDirect(NativeDatagram native)
    {
        // On the stack, not arrays held by every session all call long: each datagram is copied into the jitter buffer
        // (or SRTP's scratch) before this returns.
        Span<byte> buffers = stackalloc byte[2 * RtpPacket.MaxDatagramSize];
        var first = buffers[..RtpPacket.MaxDatagramSize];
        var second = buffers[RtpPacket.MaxDatagramSize..];
        for (var taken = 0; taken < MaxDatagramsPerRead && _disposed == 0;)
        {
            int count, firstLength, secondLength;
            try
            {
                // MaxDatagramsPerRead holds: the last call of a read asks for one when only one is left.
                count = native.ReceiveMany(first, _receiveSource!, MaxDatagramsPerRead - taken >= 2 ? second : [], _receiveSecondSource!, out firstLength, out secondLength);
            }
            catch (ObjectDisposedException)
            {
                return; // closed by DisposeAsync
            }
            if (count == -NativeDatagram.WouldBlock)
            {
                return;
            }
            if (count < 0)
            {
                taken++;
                continue; // an ICMP error from an earlier send, as in ReceiveWaiting
            }
            if (count >= 1) OnRtp(first[..firstLength], _receiveSource!);
            if (count >= 2) OnRtp(second[..secondLength], _receiveSecondSource!);
            taken += count;
            if (count < 2)
            {
                return; // the kernel found nothing (or an error, which the next read takes) behind the last datagram
            }
        }
    }

    private void OnRtp(ReadOnlySpan<byte> datagram, SocketAddress source)
    {
        if (_srtpReceive is { } srtp)
        {
            lock (_gate)
            {
                // A packet that does not authenticate (forged, another key, replayed) is dropped and counted as malformed.
                datagram.CopyTo(_srtpScratch);
                var length = srtp.UnprotectRtp(_srtpScratch.AsSpan(0, datagram.Length), out _);
                if (length < 0)
                {
                    _malformed++;
                    return;
                }
                OnPlainRtp(_srtpScratch.AsSpan(0, length), source);
            }
            return;
        }
        OnPlainRtp(datagram, source);
    }

    private void OnPlainRtp(ReadOnlySpan<byte> datagram, SocketAddress source)
    {
        var arrival = ToMediaClock(_time.GetTimestamp());
        lock (_gate)
        {
            if (_disposed != 0)
            {
                return; // the jitter buffer's storage may be back in the pool already
            }
            if (RtpPacket.TryParse(datagram, out var header) != RtpParseError.None)
            {
                _malformed++;
                return;
            }
            var isAudio = header.PayloadType == _codec.PayloadType;
            var isEvent = header.PayloadType == _options.TelephoneEventPayloadType;
            if (!isAudio && !isEvent)
            {
                _unexpectedType++;
                return;
            }
            if (!AcceptSource(source, header.Ssrc))
            {
                _stray++;
                return;
            }
            _packetsReceived++;
            if (_reception is null || _reception.Ssrc != header.Ssrc)
            {
                _receptionState.Restart(header.Ssrc, header.SequenceNumber);
                _reception = _receptionState;
                _remoteSsrc = header.Ssrc;
            }
            _reception.UpdateSequence(header.SequenceNumber);
            var payload = RtpPacket.Payload(datagram, header);
            if (isEvent)
            {
                if (payload.Length >= TelephoneEvent.Size)
                {
                    var report = _events.Receive(TelephoneEvent.Decode(payload), header.Timestamp, _eventClockRate);
                    if (report is { } detection && _dtmfCount < MaxDtmfQueue)
                    {
                        _dtmf[(_dtmfStart + _dtmfCount) % MaxDtmfQueue] = detection;
                        _dtmfCount++;
                    }
                }
                // Keep its sequence number in the audio timeline (see ReadFrame) without touching jitter.
                _jitter.Push(default, header.SequenceNumber, header.Timestamp, header.Ssrc, header.PayloadType, header.Marker, arrival, measureJitter: false);
                return;
            }
            _reception.UpdateJitter(header.Timestamp, arrival);
            _jitter.Push(payload, header.SequenceNumber, header.Timestamp, header.Ssrc, header.PayloadType, header.Marker, arrival);
        }
    }

    /// <summary>
    /// A monotonic timestamp in RTP clock units, wrapping modulo 2³² like RTP timestamps do (integer arithmetic: a
    /// double cast to uint would saturate after about six days of uptime at 8 kHz).
    /// </summary>
    internal uint ToMediaClock(long ticks)
    {
        var frequency = _time.TimestampFrequency;
        var rate = _codec.ClockRate;
        return unchecked((uint)(((ticks / frequency) * rate) + ((ticks % frequency) * rate / frequency)));
    }

    private bool AcceptSource(SocketAddress source, uint ssrc)
    {
        if (_latched)
        {
            return source.Equals(_remoteRtp);
        }
        if (!_options.Latching)
        {
            return _configuredRtp is null || source.Equals(_configuredRtp);
        }
        if (_candidate is not null && source.Equals(_candidate) && ssrc == _candidateSsrc)
        {
            _candidateCount++;
        }
        else
        {
            // A new candidate: copy the address (the receive loop reuses its SocketAddress object).
            _candidate = CopyInto(_candidateAddress, source);
            _candidateSsrc = ssrc;
            _candidateCount = 1;
        }
        if (_candidateCount >= _options.LatchAfterPackets)
        {
            _latched = true;
            var turn = _latches++ & 1;
            _remoteRtp = CopyInto(_latchedRtp[turn], _candidate);
            _remoteRtpEndPoint = null; // made from _remoteRtp when asked for (RemoteRtpEndPointLocked), off the media thread
            // RTCP on RTP port + 1 (RFC 3550 §11) until the peer's own reports show where it really is (LatchRtcp).
            var port = BinaryPrimitives.ReadUInt16BigEndian(_candidate.Buffer.Span[2..]);
            if (!_rtcpLatched && port < ushort.MaxValue)
            {
                var rtcp = CopyInto(_latchedRtcp[turn], _candidate);
                BinaryPrimitives.WriteUInt16BigEndian(rtcp.Buffer.Span[2..], (ushort)(port + 1));
                _remoteRtcp = rtcp;
            }
        }
        return true;
    }

    /// <summary>Copies <paramref name="source"/> into <paramref name="destination"/> (sized for the family's largest address); returns it.</summary>
    /// <remarks>Both are native socket addresses, whose port sits at bytes 2–3 in network order for IPv4 and IPv6 alike.</remarks>
    private static SocketAddress CopyInto(SocketAddress destination, SocketAddress source)
    {
        destination.Size = source.Size;
        source.Buffer.Span[..source.Size].CopyTo(destination.Buffer.Span);
        return destination;
    }

    /// <summary>The peer's RTP address as an end point (under the gate): made once per latch, when first asked for.</summary>
    private IPEndPoint? RemoteRtpEndPointLocked() =>
        _remoteRtpEndPoint ??= _remoteRtp is null ? null : (IPEndPoint)new IPEndPoint(IPAddress.Any, 0).Create(_remoteRtp);

    private static SocketAddress CopyOf(SocketAddress source)
    {
        var copy = new SocketAddress(source.Family, source.Size);
        source.Buffer.Span[..source.Size].CopyTo(copy.Buffer.Span);
        return copy;
    }

    private void OnRtcp(ReadOnlySpan<byte> datagram, SocketAddress source)
    {
        if (_srtpReceive is { } srtp)
        {
            // Only the RTCP receive loop gets here: the scratch buffer and the SRTCP window are its own.
            datagram.CopyTo(_srtcpScratch);
            var length = srtp.UnprotectRtcp(_srtcpScratch.AsSpan(0, datagram.Length), out _);
            if (length < 0)
            {
                lock (_gate)
                {
                    _malformed++;
                }
                return;
            }
            datagram = _srtcpScratch.AsSpan(0, length);
        }
        if (RtcpCompound.TryParse(datagram, out var packets) != RtcpParseError.None)
        {
            lock (_gate)
            {
                _malformed++;
            }
            return;
        }
        var now = _time.GetTimestamp();
        lock (_gate)
        {
            _rtcpReceived++;
            foreach (var packet in packets)
            {
                switch (packet)
                {
                    case RtcpSenderReport sr when sr.Ssrc == _remoteSsrc:
                        _reception?.OnSenderReport(sr.Sender.CompactNtp, now);
                        LatchRtcp(source);
                        break;
                    case RtcpReceiverReport rr when rr.Ssrc == _remoteSsrc:
                        LatchRtcp(source);
                        break;
                    case RtcpBye bye when _remoteSsrc is { } remote && bye.Sources.Contains(remote):
                        _remoteBye = true;
                        break;
                }
            }
        }
    }

    private void LatchRtcp(SocketAddress source)
    {
        // Reports from the latched peer's SSRC tell us where its RTCP really comes from (it may not be RTP port + 1).
        // Only from the peer's own IP address: an SSRC is easy to learn, so it alone must not redirect our reports.
        if (_latched && !_rtcpLatched && RemoteRtpEndPointLocked() is { } rtp)
        {
            var from = (IPEndPoint)rtp.Create(source);
            if (from.Address.Equals(rtp.Address))
            {
                _rtcpLatched = true;
                _remoteRtcp = CopyOf(source);
            }
        }
    }
}
