namespace Ncco.Host.MediaPlane;

/// <summary>
/// The audio of one utterance for a speech input with <c>saveAudio</c>: a short lead-in kept in a ring until the
/// recogniser hears speech start (so the first syllable is not clipped), then everything up to a cap. Media thread only.
/// </summary>
internal sealed class UtteranceTape(int frameSamples, int maxFrames)
{
    /// <summary>Frames kept before speech starts (300 ms).</summary>
    private const int LeadInFrames = 15;

    private readonly Queue<short[]> _leadIn = new();
    private readonly List<short[]> _frames = [];

    /// <summary>Whether speech has started (frames are being kept).</summary>
    public bool Rolling { get; private set; }

    /// <summary>Adds one frame; <paramref name="speaking"/> once the recogniser heard speech start.</summary>
    public void Write(ReadOnlySpan<short> frame, bool speaking)
    {
        if (!Rolling && speaking)
        {
            Rolling = true;
            _frames.AddRange(_leadIn);
            _leadIn.Clear();
        }
        if (Rolling)
        {
            if (_frames.Count < maxFrames) _frames.Add(frame.ToArray());
            return;
        }
        var slot = _leadIn.Count == LeadInFrames ? _leadIn.Dequeue() : new short[frameSamples];
        frame.CopyTo(slot);
        _leadIn.Enqueue(slot);
    }

    /// <summary>Forgets everything (a recogniser session ended with no speech and a fresh one starts).</summary>
    public void Reset()
    {
        Rolling = false;
        _leadIn.Clear();
        _frames.Clear();
    }

    /// <summary>The kept samples, in order.</summary>
    public short[] ToArray()
    {
        var samples = new short[_frames.Count * frameSamples];
        for (var i = 0; i < _frames.Count; i++) _frames[i].CopyTo(samples, i * frameSamples);
        return samples;
    }
}
