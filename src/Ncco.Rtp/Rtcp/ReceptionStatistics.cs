namespace Ncco.Rtp.Rtcp;

/// <summary>
/// Per-source reception state of RFC 3550 Appendix A: sequence-number extension with probation and restart detection
/// (A.1), expected/lost counts and the fraction lost per interval (A.3), and interarrival jitter (A.8). Produces the
/// report block sent in SR/RR. Not thread-safe; allocation-free.
/// </summary>
public sealed class ReceptionStatistics
{
    private const int SequenceModulo = 1 << 16;

    /// <summary>A jump forward of at least this many sequence numbers is treated as a possible restart.</summary>
    public const int MaxDropout = 3000;

    /// <summary>A jump backward of up to this many is treated as reordering or duplication.</summary>
    public const int MaxMisorder = 100;

    private readonly int _minSequential;
    private ushort _maxSeq;
    private uint _cycles;
    private uint _baseSeq;
    private uint _badSeq = SequenceModulo + 1;
    private int _probation;
    private uint _received;
    private uint _expectedPrior;
    private uint _receivedPrior;
    private bool _haveTransit;
    private int _transit;
    private uint _jitterQ4; // jitter × 16, as in the integer form of A.8
    private uint _lastSrCompact;
    private long _lastSrArrival;
    private bool _haveSr;

    /// <summary>Starts tracking <paramref name="ssrc"/> whose first packet carries <paramref name="firstSequence"/>.</summary>
    /// <param name="ssrc">The source.</param>
    /// <param name="firstSequence">Sequence number of the first packet seen.</param>
    /// <param name="minSequential">Packets in sequence required before the source counts as valid (A.1 uses 2).</param>
    public ReceptionStatistics(uint ssrc, ushort firstSequence, int minSequential = 2)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(minSequential);
        _minSequential = minSequential;
        Restart(ssrc, firstSequence);
    }

    /// <summary>
    /// Starts over for a new source (a new SSRC) as if newly created, reusing this object: a session's first packet and
    /// every SSRC change arrive on the media thread, which must not allocate.
    /// </summary>
    /// <param name="ssrc">The new source.</param>
    /// <param name="firstSequence">Its first sequence number.</param>
    public void Restart(uint ssrc, ushort firstSequence)
    {
        Ssrc = ssrc;
        _maxSeq = (ushort)(firstSequence - 1);
        _cycles = 0;
        _baseSeq = firstSequence;
        _badSeq = SequenceModulo + 1;
        _probation = _minSequential;
        _received = 0;
        _expectedPrior = 0;
        _receivedPrior = 0;
        _haveTransit = false;
        _transit = 0;
        _jitterQ4 = 0;
        _lastSrCompact = 0;
        _lastSrArrival = 0;
        _haveSr = false;
    }

    /// <summary>The source.</summary>
    public uint Ssrc { get; private set; }

    /// <summary>Packets counted as received (valid, after probation; duplicates included, as the RFC does).</summary>
    public uint Received => _received;

    /// <summary>Extended highest sequence number received.</summary>
    public uint ExtendedHighestSequence => _cycles + _maxSeq;

    /// <summary>Packets expected from the first valid one to the highest.</summary>
    public uint Expected => _probation > 0 ? 0 : ExtendedHighestSequence - _baseSeq + 1;

    /// <summary>Cumulative packets lost (negative when duplicates outnumber losses).</summary>
    public long CumulativeLost => (long)Expected - _received;

    /// <summary>Interarrival jitter estimate in timestamp units.</summary>
    public uint Jitter => _jitterQ4 >> 4;

    /// <summary>True while the source is still on probation.</summary>
    public bool OnProbation => _probation > 0;

    /// <summary>Feeds one packet's sequence number (A.1). Returns false if the packet is not (yet) valid.</summary>
    public bool UpdateSequence(ushort sequence)
    {
        var delta = (ushort)(sequence - _maxSeq);
        if (_probation > 0)
        {
            if (sequence == (ushort)(_maxSeq + 1))
            {
                _probation--;
                _maxSeq = sequence;
                if (_probation == 0)
                {
                    Restart(sequence);
                    _received++;
                    return true;
                }
            }
            else
            {
                _probation = _minSequential - 1;
                _maxSeq = sequence;
            }
            return false;
        }
        if (delta < MaxDropout)
        {
            if (sequence < _maxSeq)
            {
                _cycles += SequenceModulo; // wrapped
            }
            _maxSeq = sequence;
        }
        else if (delta <= SequenceModulo - MaxMisorder)
        {
            // A big jump: believe it only when the next packet follows it (the sender restarted).
            if (sequence == _badSeq)
            {
                Restart(sequence);
            }
            else
            {
                _badSeq = (uint)((sequence + 1) & (SequenceModulo - 1));
                return false;
            }
        }
        _received++;
        return true;
    }

    /// <summary>Feeds one packet's timing (A.8): its RTP timestamp and arrival time in the same clock units.</summary>
    public void UpdateJitter(uint rtpTimestamp, uint arrival)
    {
        var transit = (int)(arrival - rtpTimestamp);
        if (!_haveTransit)
        {
            _haveTransit = true;
            _transit = transit;
            return;
        }
        var d = transit - _transit;
        _transit = transit;
        if (d < 0)
        {
            d = -d;
        }
        // J += (|D| − J) / 16, with J kept scaled by 16 (A.8's integer form).
        _jitterQ4 = (uint)(_jitterQ4 + d - ((_jitterQ4 + 8) >> 4));
    }

    /// <summary>Records an SR from this source, for LSR/DLSR in our next report.</summary>
    /// <param name="compactNtp">Middle 32 bits of its NTP timestamp.</param>
    /// <param name="arrivalTimestamp">Arrival, in <see cref="TimeProvider.GetTimestamp"/> units.</param>
    public void OnSenderReport(uint compactNtp, long arrivalTimestamp)
    {
        _haveSr = true;
        _lastSrCompact = compactNtp;
        _lastSrArrival = arrivalTimestamp;
    }

    /// <summary>Builds the report block for this source and starts a new loss interval (A.3).</summary>
    /// <param name="nowTimestamp">Now, in <see cref="TimeProvider.GetTimestamp"/> units.</param>
    /// <param name="timestampFrequency">Ticks per second of those units.</param>
    public ReportBlock CreateReportBlock(long nowTimestamp, long timestampFrequency)
    {
        var expected = Expected;
        var expectedInterval = expected - _expectedPrior;
        _expectedPrior = expected;
        var receivedInterval = _received - _receivedPrior;
        _receivedPrior = _received;
        var lostInterval = (long)expectedInterval - receivedInterval;
        var fraction = expectedInterval == 0 || lostInterval <= 0 ? (byte)0 : (byte)Math.Min(255, (lostInterval << 8) / expectedInterval);
        var lost = (int)Math.Clamp(CumulativeLost, -0x800000, 0x7FFFFF);
        uint dlsr = 0;
        if (_haveSr)
        {
            // Split into whole seconds and remainder so a nanosecond clock cannot overflow the multiplication.
            var elapsed = Math.Max(0, nowTimestamp - _lastSrArrival);
            var units = ((elapsed / timestampFrequency) * 65536) + ((elapsed % timestampFrequency) * 65536 / timestampFrequency);
            dlsr = (uint)Math.Min(uint.MaxValue, units);
        }
        return new ReportBlock(Ssrc, fraction, lost, ExtendedHighestSequence, Jitter, _haveSr ? _lastSrCompact : 0, dlsr);
    }

    private void Restart(ushort sequence)
    {
        _baseSeq = sequence;
        _maxSeq = sequence;
        _badSeq = SequenceModulo + 1;
        _cycles = 0;
        _received = 0;
        _receivedPrior = 0;
        _expectedPrior = 0;
    }
}
