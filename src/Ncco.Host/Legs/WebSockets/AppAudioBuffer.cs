using Ncco.Media.Pcm;

namespace Ncco.Host.Legs.WebSockets;

/// <summary>
/// Audio the application wrote to its socket, waiting to be played into the conversation one frame per media tick.
/// Apps may send faster than real time, so frames are queued up to <see cref="CapacityFrames"/> (1024 × 20 ms ≈ 20 s,
/// the documented platform buffer; newer docs mention 3072 — we keep the smaller figure so a runaway app costs at most
/// ~640 KB per 16 kHz leg). Frames beyond the cap are dropped (and counted). A frame's buffer goes back to a spare list
/// when it is played or cleared and the next frame written takes it, so a leg holds as many buffers as it ever had
/// frames queued at once: a few for an app that streams in real time (issue 19: buffers used to belong to ring slots,
/// so every leg that streamed for 20 s came to hold all 1,024, 640 KB at 16 kHz, whatever its queue depth).
/// <para>
/// <c>notify</c> marks are kept in order with the audio: a mark's reply is due when every frame written before it has
/// been played (or cleared). Written by the socket's receive loop, read by the media thread; one short lock guards both.
/// </para>
/// </summary>
internal sealed class AppAudioBuffer(int frameSamples)
{
    /// <summary>Most frames queued.</summary>
    public const int CapacityFrames = 1024;

    private readonly short[]?[] _slots = new short[CapacityFrames][];
    private readonly Stack<short[]> _spare = new();
    private readonly Queue<(long Sequence, string Reply)> _marks = new();
    private readonly Lock _gate = new();
    private long _written;
    private long _read;

    /// <summary>Frames dropped because the buffer was full.</summary>
    public long Dropped { get; private set; }

    /// <summary>Frame buffers allocated so far: the most frames ever queued at once (what the buffer holds in memory).</summary>
    public int BuffersAllocated { get; private set; }

    /// <summary>Frames waiting.</summary>
    public int Count
    {
        get
        {
            lock (_gate) return (int)(_written - _read);
        }
    }

    /// <summary>Queues one frame of little-endian 16-bit PCM; false (dropped) when full.</summary>
    public bool TryWrite(ReadOnlySpan<byte> frame)
    {
        lock (_gate)
        {
            if (_written - _read >= CapacityFrames)
            {
                Dropped++;
                return false;
            }
            var slot = _spare.TryPop(out var spare) ? spare : Allocate();
            _slots[_written % CapacityFrames] = slot;
            Pcm16.FromLittleEndianBytes(frame, slot);
            _written++;
            return true;
        }
    }

    /// <summary>Media thread: takes the next frame; <paramref name="due"/> receives replies of marks now reached.</summary>
    public bool TryRead(Span<short> frame, Action<string> due)
    {
        string? reply1 = null;
        var got = false;
        lock (_gate)
        {
            if (_written > _read)
            {
                Release(_read).AsSpan().CopyTo(frame);
                _read++;
                got = true;
            }
            // Usually at most one mark is due per frame; more are rare (several notifies in a row).
            while (_marks.TryPeek(out var m) && m.Sequence <= _read)
            {
                _marks.Dequeue();
                if (reply1 is null) reply1 = m.Reply;
                else due(m.Reply);
            }
        }
        if (reply1 is not null) due(reply1);
        return got;
    }

    /// <summary>Adds a <c>notify</c> mark after the audio queued so far; replies at once when nothing is queued.</summary>
    public void Mark(string reply, Action<string> due)
    {
        lock (_gate)
        {
            if (_written > _read)
            {
                _marks.Enqueue((_written, reply));
                return;
            }
        }
        due(reply);
    }

    /// <summary>
    /// Drops queued audio (<c>clear</c>) and returns the replies of pending marks, now due (the audio before them is
    /// gone); the caller sends them after <c>websocket:cleared</c>.
    /// </summary>
    public IReadOnlyList<string> Clear()
    {
        lock (_gate)
        {
            for (; _read < _written; _read++) Release(_read);
            if (_marks.Count == 0) return [];
            var replies = _marks.Select(m => m.Reply).ToList();
            _marks.Clear();
            return replies;
        }
    }

    // Under _gate: the queued frame's buffer leaves its slot for the spare list (still readable until the next write).
    private short[] Release(long sequence)
    {
        var index = (int)(sequence % CapacityFrames);
        var buffer = _slots[index]!;
        _slots[index] = null;
        _spare.Push(buffer);
        return buffer;
    }

    private short[] Allocate()
    {
        BuffersAllocated++;
        return new short[frameSamples];
    }
}
