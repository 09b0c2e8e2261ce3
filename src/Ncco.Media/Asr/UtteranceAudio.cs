using System.Buffers;

namespace Ncco.Media.Asr;

/// <summary>
/// One utterance's 16 kHz audio while it is being spoken and while it waits for a decoder: a list of fixed-size chunks
/// taken from a pool as the audio grows, copied into one contiguous buffer only on the decoding thread, just before it
/// decodes (<see cref="CopyTo"/>).
/// </summary>
/// <remarks>
/// Why not one growing array: doubling an array held up to twice the audio (a 5 s utterance in a 256 KB buffer, after a
/// 128 KB one it outgrew) on the large-object heap, which only a full collection reclaims, for every call listening at
/// once and every utterance queued for a decoder — measured ≈ 0.5 MB per concurrent dictation call of GC heap at the
/// peak. Chunks of <see cref="ChunkSamples"/> hold the audio to within one chunk, stay on the small-object heap (16 KB
/// each), and are never copied while the audio grows; the one contiguous copy exists per decoding thread, not per call.
/// Not thread-safe: written by one call's media path, then handed whole to the decoding queue.
/// </remarks>
internal sealed class UtteranceAudio : IDisposable
{
    /// <summary>Samples per chunk: 0.512 s of 16 kHz audio, 16 KB, under the large-object threshold (85,000 bytes).</summary>
    public const int ChunkSamples = 8192;

    private readonly ArrayPool<short> _pool;
    private readonly List<short[]> _chunks = [];
    private bool _disposed;

    /// <param name="pool">Where the chunks come from and go back to (arrays of exactly <see cref="ChunkSamples"/> or more).</param>
    public UtteranceAudio(ArrayPool<short> pool) => _pool = pool;

    /// <summary>Samples held.</summary>
    public int Length { get; private set; }

    /// <summary>Chunks held now (for tests: the memory held is this times <see cref="ChunkSamples"/> samples).</summary>
    internal int ChunkCount => _chunks.Count;

    /// <summary>Appends samples, taking chunks from the pool as needed.</summary>
    /// <exception cref="ObjectDisposedException">After <see cref="Dispose"/>.</exception>
    public void Append(ReadOnlySpan<short> samples)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        while (!samples.IsEmpty)
        {
            var offset = Length % ChunkSamples;
            if (offset == 0 && Length / ChunkSamples == _chunks.Count)
            {
                _chunks.Add(_pool.Rent(ChunkSamples));
            }
            var room = ChunkSamples - offset;
            var n = Math.Min(room, samples.Length);
            samples[..n].CopyTo(_chunks[^1].AsSpan(offset, n));
            samples = samples[n..];
            Length += n;
        }
    }

    /// <summary>Copies the whole utterance into <paramref name="destination"/> (at least <see cref="Length"/> samples).</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> shorter than <see cref="Length"/>.</exception>
    public void CopyTo(Span<short> destination)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (destination.Length < Length)
        {
            throw new ArgumentException($"destination must hold at least {Length} samples", nameof(destination));
        }
        var left = Length;
        foreach (var chunk in _chunks)
        {
            var n = Math.Min(left, ChunkSamples);
            chunk.AsSpan(0, n).CopyTo(destination);
            destination = destination[n..];
            left -= n;
        }
    }

    /// <summary>Returns the chunks to the pool. Idempotent.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        foreach (var chunk in _chunks)
        {
            _pool.Return(chunk);
        }
        _chunks.Clear();
        Length = 0;
    }
}
