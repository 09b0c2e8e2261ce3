namespace Ncco.Media.Pcm;

/// <summary>
/// Plays a PCM buffer <c>loop</c> times (0 = forever) with a <c>level</c> gain — the playback half of
/// <c>talk</c> and <c>stream</c> once audio is decoded. Allocation-free reads.
/// </summary>
public sealed class BufferAudioSource : IAudioSource
{
    private readonly ReadOnlyMemory<short> _samples;
    private readonly int _loops;
    private readonly float _gain;
    private int _position;
    private int _completedLoops;

    /// <summary>Creates a source.</summary>
    /// <param name="samples">Mono samples at <paramref name="sampleRate"/>.</param>
    /// <param name="sampleRate">Rate of <paramref name="samples"/>.</param>
    /// <param name="loop">Repetitions; 0 = infinite.</param>
    /// <param name="level">NCCO level −1…1.</param>
    public BufferAudioSource(ReadOnlyMemory<short> samples, int sampleRate, int loop = 1, double level = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(loop);
        _samples = samples;
        SampleRate = sampleRate;
        _loops = loop;
        _gain = Gain.FromLevel(level);
    }

    /// <inheritdoc />
    public int SampleRate { get; }

    /// <summary>The samples played (each loop plays all of them).</summary>
    public ReadOnlyMemory<short> Samples => _samples;

    /// <summary>Where in <see cref="Samples"/> the next read starts.</summary>
    public int Position => _position;

    /// <summary>Whether samples are played as they are (<c>level</c> 0): what a read returns is <see cref="Samples"/> itself.</summary>
    public bool IsUnityGain => _gain == 1f;

    /// <summary>Whether every loop has been played.</summary>
    public bool IsFinished => _samples.IsEmpty || (_loops != 0 && _completedLoops >= _loops);

    /// <inheritdoc />
    public int Read(Span<short> destination)
    {
        var written = 0;
        var src = _samples.Span;
        while (written < destination.Length && !IsFinished)
        {
            var n = Math.Min(destination.Length - written, src.Length - _position);
            src.Slice(_position, n).CopyTo(destination[written..]);
            written += n;
            _position += n;
            if (_position == src.Length)
            {
                _position = 0;
                _completedLoops++;
            }
        }
        Gain.Apply(destination[..written], _gain);
        return written;
    }

    /// <summary>
    /// Moves on by <paramref name="count"/> samples without producing them, as a <see cref="Read"/> of that many would
    /// (looping included), when that many are left; otherwise changes nothing. For a consumer that has what those
    /// samples would give from elsewhere (a leg playing a prompt converted once for every call).
    /// </summary>
    /// <returns>Whether the source moved on (false: fewer than <paramref name="count"/> samples are left).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> negative.</exception>
    public bool TrySkip(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (IsFinished) return count == 0;
        var length = _samples.Length;
        if (_loops != 0 && ((long)(_loops - _completedLoops) * length) - _position < count) return false;
        var position = (long)_position + count;
        _completedLoops += (int)(position / length);
        _position = (int)(position % length);
        return true;
    }
}
