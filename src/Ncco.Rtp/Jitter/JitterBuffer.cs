namespace Ncco.Rtp.Jitter;

/// <summary>
/// Adaptive jitter buffer for one received stream. The receive side pushes packets as they arrive (with their arrival
/// time in RTP timestamp units); the media thread pops one packet per frame tick. It reorders by sequence number,
/// drops duplicates and packets whose turn has passed, reports a missing packet as lost once later ones are waiting,
/// and sets its playout depth from the measured interarrival jitter (RFC 3550 A.8): target = 1 + ⌈4·J / frame⌉ frames
/// within [min, max], raised by one frame on every underrun. A buffer that stays over-deep for a while sheds packets so
/// latency does not creep: one at a time for a sender clock running fast or jitter that has calmed down, and in one
/// cut the whole standing surplus of a live stream (the backlog of a stall). A new SSRC or a sequence jump
/// restarts it. Payload storage is sized to the largest payload seen, not to <see cref="JitterBufferOptions.MaxPayloadSize"/>:
/// a G.711 stream of 20 ms packets holds 32 × 160 bytes instead of 32 × 1,488 (the difference is most of an idle call's
/// memory), and it grows (copying what is held) only when a larger payload first arrives, so a steady stream's push and
/// pop do not allocate. Not thread-safe: callers serialise.
/// </summary>
public sealed class JitterBuffer
{
    private readonly JitterBufferOptions _options;
    private readonly Sessions.RtpBufferPool? _buffers;
    private byte[] _payloads = [];

    /// <summary>The payload storage (for tests: where it was allocated).</summary>
    internal byte[] PayloadStorage => _payloads;
    private int _slotSize; // bytes per slot in _payloads: the largest payload seen, rounded up
    private readonly Slot[] _slots;
    private bool _haveStream;
    private uint _ssrc;
    private bool _playing;
    private ushort _next;        // next sequence number to play
    private ushort _highest;     // highest sequence number held or played
    private int _count;
    private int _target;
    private int _excessPops;
    private int _excessLow;      // lowest depth seen during the current run of over-deep pops
    private int _excessArrivals; // packets accepted during that run
    private bool _haveTransit;
    private int _transit;
    private double _jitter;
    private int _calmPackets;
    private long _accepted, _duplicates, _tooLate, _lost, _underruns, _droppedForLatency, _overflowed, _resets;

    /// <summary>Creates a buffer.</summary>
    public JitterBuffer(JitterBufferOptions? options = null)
        : this(options, null)
    {
    }

    /// <summary>
    /// Creates a buffer whose payload storage is rented from <paramref name="buffers"/> (a session's: see
    /// <see cref="ReleaseStorage"/>), or allocated when it is null.
    /// </summary>
    internal JitterBuffer(JitterBufferOptions? options, Sessions.RtpBufferPool? buffers)
    {
        _buffers = buffers;
        _options = options ?? new JitterBufferOptions();
        _options.Validate();
        _slots = new Slot[_options.Capacity];
        _target = _options.InitialDepth;
    }

    /// <summary>
    /// Sizes the payload slots now for payloads up to <paramref name="payloadSize"/> bytes (at most
    /// <see cref="JitterBufferOptions.MaxPayloadSize"/>), so the first packets of that size do not allocate where they
    /// are pushed (the media thread); a larger packet later still grows the slots once.
    /// </summary>
    /// <param name="payloadSize">The payload size expected (for G.711 at 20 ms, 160).</param>
    public void Reserve(int payloadSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(payloadSize);
        if (payloadSize > _slotSize)
        {
            GrowSlots(Math.Min(payloadSize, _options.MaxPayloadSize));
        }
    }

    /// <summary>Options in force.</summary>
    public JitterBufferOptions Options => _options;

    /// <summary>
    /// The largest payload <see cref="Pop"/> can currently return: the largest pushed so far (rounded up), at most
    /// <see cref="JitterBufferOptions.MaxPayloadSize"/>. A destination this large is enough.
    /// </summary>
    public int PayloadCapacity => _slotSize;

    /// <summary>Packets held.</summary>
    public int Depth => _count;

    /// <summary>Current target depth in frames.</summary>
    public int TargetDepth => _target;

    /// <summary>Counters.</summary>
    public JitterBufferStatistics Statistics => new(
        _accepted, _duplicates, _tooLate, _lost, _underruns, _droppedForLatency, _overflowed, _resets, _target, _count, _jitter);

    /// <summary>Offers one received packet.</summary>
    /// <param name="payload">Payload bytes (copied).</param>
    /// <param name="sequenceNumber">RTP sequence number.</param>
    /// <param name="timestamp">RTP timestamp.</param>
    /// <param name="ssrc">RTP SSRC.</param>
    /// <param name="payloadType">Payload type (carried through to the pop).</param>
    /// <param name="marker">Marker bit.</param>
    /// <param name="arrival">Arrival time in RTP timestamp units (any origin, wrapping allowed).</param>
    /// <param name="measureJitter">
    /// False for packets whose timestamp does not advance with time (RFC 4733 events keep their start timestamp), so
    /// they take their place in the sequence without skewing the jitter estimate.
    /// </param>
    public JitterPush Push(ReadOnlySpan<byte> payload, ushort sequenceNumber, uint timestamp, uint ssrc, byte payloadType, bool marker, uint arrival, bool measureJitter = true)
    {
        if (payload.Length > _options.MaxPayloadSize)
        {
            return JitterPush.TooLarge;
        }
        if (payload.Length > _slotSize)
        {
            GrowSlots(payload.Length);
        }
        var reset = false;
        if (!_haveStream || ssrc != _ssrc)
        {
            Restart(ssrc, sequenceNumber);
            reset = true;
        }
        else
        {
            var ahead = (short)(ushort)(sequenceNumber - _next);
            if (ahead > _options.MaxSequenceJump || ahead < -_options.MaxSequenceJump)
            {
                Restart(ssrc, sequenceNumber);
                reset = true;
            }
            else if (ahead < 0)
            {
                var behindHighest = (short)(ushort)(_highest - sequenceNumber);
                if (_playing || behindHighest >= _options.Capacity)
                {
                    // Its slot has been played or concealed already; a duplicate of a played packet lands here too.
                    _tooLate++;
                    return JitterPush.TooLate;
                }
                // Not playing yet: an earlier packet arrived after a later one, start from it instead.
                _next = sequenceNumber;
            }
        }

        if (measureJitter)
        {
            UpdateJitter(timestamp, arrival);
        }

        ref var slot = ref _slots[sequenceNumber % _options.Capacity];
        if (slot.Used && slot.SequenceNumber == sequenceNumber)
        {
            _duplicates++;
            return JitterPush.Duplicate;
        }
        if ((short)(ushort)(sequenceNumber - _highest) > 0 || _count == 0)
        {
            _highest = sequenceNumber;
        }
        // Too far ahead for the ring: play position jumps forward, the skipped packets count as overflowed.
        while ((ushort)(sequenceNumber - _next) >= _options.Capacity)
        {
            ref var old = ref _slots[_next % _options.Capacity];
            if (old.Used && old.SequenceNumber == _next)
            {
                old.Used = false;
                _count--;
                _overflowed++;
            }
            _next++;
        }
        if (slot.Used)
        {
            // A stale occupant (an older sequence number mapping to this slot) cannot be played any more.
            slot.Used = false;
            _count--;
            _overflowed++;
        }
        slot.Used = true;
        slot.SequenceNumber = sequenceNumber;
        slot.Timestamp = timestamp;
        slot.PayloadType = payloadType;
        slot.Marker = marker;
        slot.Length = payload.Length;
        payload.CopyTo(_payloads.AsSpan((sequenceNumber % _options.Capacity) * _slotSize));
        _count++;
        _accepted++;
        _excessArrivals++;
        return reset ? JitterPush.AcceptedAfterReset : JitterPush.Accepted;
    }

    /// <summary>Takes the next frame's packet into <paramref name="destination"/> (which must hold <see cref="PayloadCapacity"/> bytes).</summary>
    public JitterPop Pop(Span<byte> destination)
    {
        if (!_playing)
        {
            if (_count == 0 || (_count < _target && BufferedTimestampUnits() < _target * _options.FrameTimestampUnits))
            {
                return new JitterPop(JitterPopKind.Buffering, 0, 0, _next, 0, false);
            }
            _playing = true;
        }
        if (_count == 0)
        {
            // Ran dry: the peer's packets come later than our depth allows, so wait deeper next time.
            _playing = false;
            _underruns++;
            _target = Math.Min(_options.MaxDepth, _target + 1);
            return new JitterPop(JitterPopKind.Buffering, 0, 0, _next, 0, false);
        }

        if (_count > _target + 1)
        {
            if (_excessPops == 0)
            {
                _excessLow = _count;
                _excessArrivals = 0;
            }
            _excessLow = Math.Min(_excessLow, _count);
            if (++_excessPops >= _options.ShrinkAfterPops)
            {
                _excessPops = 0;
                // A live stream (packets kept coming) that stayed this deep all window long holds a standing surplus,
                // the backlog of a stall: all of it goes in one cut, where a packet per window would chop the audio
                // for seconds (a sender clock running fast has a surplus of one anyway). A stream that is only
                // draining a burst, with nothing new arriving, sheds one packet per window.
                var live = _excessArrivals * 2 >= _options.ShrinkAfterPops;
                for (var surplus = live ? _excessLow - (_target + 1) : 1; surplus > 0; surplus--)
                {
                    DropNext();
                }
            }
        }
        else
        {
            _excessPops = 0;
        }

        var sequence = _next;
        ref var slot = ref _slots[sequence % _options.Capacity];
        _next++;
        if (!slot.Used || slot.SequenceNumber != sequence)
        {
            _lost++;
            return new JitterPop(JitterPopKind.Lost, 0, 0, sequence, 0, false);
        }
        slot.Used = false;
        _count--;
        _payloads.AsSpan((sequence % _options.Capacity) * _slotSize, slot.Length).CopyTo(destination);
        return new JitterPop(JitterPopKind.Packet, slot.Length, slot.PayloadType, sequence, slot.Timestamp, slot.Marker);
    }

    /// <summary>
    /// The payload of the packet the next <see cref="Pop"/> would return, when it is here and of
    /// <paramref name="payloadType"/>; empty otherwise. After a <see cref="JitterPopKind.Lost"/> pop this is the packet
    /// after the loss, whose forward error correction (Opus) can rebuild it. Valid until the next push or pop.
    /// </summary>
    public ReadOnlySpan<byte> PeekNext(byte payloadType)
    {
        ref var slot = ref _slots[_next % _options.Capacity];
        if (!slot.Used || slot.SequenceNumber != _next || slot.PayloadType != payloadType)
        {
            return default;
        }
        return _payloads.AsSpan((_next % _options.Capacity) * _slotSize, slot.Length);
    }

    /// <summary>Forgets everything (e.g. after the session changes codec).</summary>
    public void Clear()
    {
        _haveStream = false;
        Array.Clear(_slots);
        _count = 0;
        _playing = false;
    }

    /// <summary>
    /// Media time held, from the next packet's timestamp to the end of the newest (assumed one frame long): lets a peer
    /// that sends 60 or 100 ms packets start playing once enough audio is here even if fewer packets are.
    /// </summary>
    private long BufferedTimestampUnits()
    {
        ref var next = ref _slots[_next % _options.Capacity];
        ref var newest = ref _slots[_highest % _options.Capacity];
        if (!next.Used || next.SequenceNumber != _next || !newest.Used || newest.SequenceNumber != _highest)
        {
            return 0;
        }
        var span = (int)(newest.Timestamp - next.Timestamp);
        return span < 0 ? 0 : span + (long)_options.FrameTimestampUnits;
    }

    private void DropNext()
    {
        ref var slot = ref _slots[_next % _options.Capacity];
        if (slot.Used && slot.SequenceNumber == _next)
        {
            slot.Used = false;
            _count--;
        }
        _next++;
        _droppedForLatency++;
    }

    private void Restart(uint ssrc, ushort sequenceNumber)
    {
        if (_haveStream)
        {
            _resets++;
        }
        Array.Clear(_slots);
        _haveStream = true;
        _ssrc = ssrc;
        _next = sequenceNumber;
        _highest = sequenceNumber;
        _count = 0;
        _playing = false;
        _haveTransit = false;
        _excessPops = 0;
    }

    private void UpdateJitter(uint timestamp, uint arrival)
    {
        var transit = (int)(arrival - timestamp);
        if (!_haveTransit)
        {
            _haveTransit = true;
            _transit = transit;
            return;
        }
        var d = Math.Abs((long)transit - _transit);
        _transit = transit;
        // A timestamp jump (silence suppression, a new talkspurt) is not jitter: ignore absurd differences.
        if (d > _options.FrameTimestampUnits * (long)_options.MaxDepth * 4)
        {
            return;
        }
        _jitter += (d - _jitter) / 16;
        var wanted = 1 + (int)Math.Ceiling(4 * _jitter / _options.FrameTimestampUnits);
        wanted = Math.Clamp(wanted, _options.MinDepth, _options.MaxDepth);
        if (wanted > _target)
        {
            _target = wanted;
            _calmPackets = 0;
        }
        else if (wanted < _target && ++_calmPackets >= 50)
        {
            // Come down slowly (one frame per second of calm at 20 ms) so one quiet moment does not cause underruns.
            _target--;
            _calmPackets = 0;
        }
    }

    private void GrowSlots(int payloadLength)
    {
        // Rounded up to 32 bytes so a codec whose payloads vary a little (Opus VBR) settles after a growth or two.
        var size = Math.Min(_options.MaxPayloadSize, (payloadLength + 31) & ~31);
        // On the pinned object heap: this buffer lives as long as the call, so in the young generations the collector would
        // only copy it (8 KB a G.711 call, at every call set up) into gen2 — which the POH is from the start (issue 19).
        // A session's buffer comes from its pool (reused from an ended call: no new pinned bytes, which would count
        // toward the next gen2 collection).
        var grown = _buffers?.Rent(_options.Capacity * size) ?? GC.AllocateArray<byte>(_options.Capacity * size, pinned: true);
        for (var i = 0; i < _slots.Length; i++)
        {
            if (_slots[i].Used)
            {
                _payloads.AsSpan(i * _slotSize, _slots[i].Length).CopyTo(grown.AsSpan(i * size));
            }
        }
        var old = _payloads;
        _payloads = grown;
        _slotSize = size;
        if (old.Length > 0)
        {
            _buffers?.Return(old);
        }
    }

    /// <summary>
    /// Hands the payload storage back to the pool it was rented from and forgets every packet held (the session is
    /// ending). The buffer still works afterwards: a later push rents storage again.
    /// </summary>
    internal void ReleaseStorage()
    {
        var old = _payloads;
        _payloads = [];
        _slotSize = 0;
        Clear();
        if (old.Length > 0)
        {
            _buffers?.Return(old);
        }
    }

    private struct Slot
    {
        public bool Used;
        public ushort SequenceNumber;
        public uint Timestamp;
        public byte PayloadType;
        public bool Marker;
        public int Length;
    }
}
