namespace Ncco.Rtp.Sessions;

/// <summary>
/// The buffers an RTP session keeps for its whole life (the jitter buffer's payload storage, a receive loop's datagram
/// buffer), handed on from sessions that ended to sessions being set up, one pool per <see cref="Ports.RtpPortAllocator"/>
/// (so per process in the host). New ones are allocated on the pinned object heap, which is collected only with gen2:
/// a session's buffer there is never copied by a young collection, but every byte allocated there counts toward the next
/// gen2 collection. Allocating them per call made the host run ≈ 5 background gen2 collections per 2,000 calls set up
/// (bench/side-by-side/RESULTS.md); reused, the pinned heap grows only to the most sessions alive at once. What is
/// kept is bounded (<see cref="MaxRetainedBytes"/>); a buffer returned past that is left to the collector. A buffer that
/// is never returned (a session that could not confirm its loop stopped) is simply collected: the pool tracks only what
/// it holds. Returned buffers are cleared, so one call's audio never sits in memory handed to another. Thread-safe.
/// </summary>
internal sealed class RtpBufferPool
{
    /// <summary>What a pool keeps by default: ≈ 3,400 G.711 calls' jitter and RTCP buffers.</summary>
    public const long DefaultMaxRetainedBytes = 32L * 1024 * 1024;

    private readonly Lock _gate = new();
    private readonly Dictionary<int, Stack<byte[]>> _free = [];
    private long _retainedBytes;

    /// <summary>Creates an empty pool keeping at most <paramref name="maxRetainedBytes"/> of returned buffers.</summary>
    public RtpBufferPool(long maxRetainedBytes = DefaultMaxRetainedBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxRetainedBytes);
        MaxRetainedBytes = maxRetainedBytes;
    }

    /// <summary>The most bytes of returned buffers kept for reuse.</summary>
    public long MaxRetainedBytes { get; }

    /// <summary>Bytes of returned buffers held now.</summary>
    public long RetainedBytes
    {
        get
        {
            lock (_gate)
            {
                return _retainedBytes;
            }
        }
    }

    /// <summary>A buffer of exactly <paramref name="length"/> bytes: a returned one if the pool holds one, else a new pinned one.</summary>
    public byte[] Rent(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        lock (_gate)
        {
            if (_free.TryGetValue(length, out var stack) && stack.TryPop(out var reused))
            {
                _retainedBytes -= length;
                return reused;
            }
        }
        return GC.AllocateArray<byte>(length, pinned: true);
    }

    /// <summary>
    /// Hands <paramref name="buffer"/> back for another session; the caller must not touch it afterwards. Dropped (left
    /// to the collector) when the pool already holds <see cref="MaxRetainedBytes"/>.
    /// </summary>
    public void Return(byte[] buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        if (buffer.Length == 0)
        {
            return;
        }
        Array.Clear(buffer);
        lock (_gate)
        {
            if (_retainedBytes + buffer.Length > MaxRetainedBytes)
            {
                return;
            }
            if (!_free.TryGetValue(buffer.Length, out var stack))
            {
                _free[buffer.Length] = stack = new Stack<byte[]>();
            }
            stack.Push(buffer);
            _retainedBytes += buffer.Length;
        }
    }
}
