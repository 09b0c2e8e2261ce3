using Ncco.Media.Pcm;

namespace Ncco.Media.Mixing;

/// <summary>
/// N-party mixer for a <c>conversation</c>. Each participant hears the mix of everybody who may speak to it, minus
/// itself. Cost per tick is O(N · frame) for the common case: the sum over all broadcast speakers is computed once in
/// 32-bit and each listener gets <c>total − own</c>; only participants with <c>canSpeak</c>/<c>canHear</c> lists add
/// work proportional to those lists. Sums saturate once, at the end (no intermediate wrap-around).
/// Until <see cref="Start"/> every participant hears the music-on-hold source (or silence).
/// A mixed recording frame (everybody not muted) is available each tick in <see cref="RecordingMix"/>.
/// Not thread-safe: drive it from one media thread.
/// </summary>
public sealed class ConferenceMixer
{
    private readonly List<ConferenceParticipant> _participants = [];
    private readonly Dictionary<string, ConferenceParticipant> _byId = new(StringComparer.Ordinal);
    private readonly List<ConferenceParticipant> _restricted = [];
    private readonly int[] _total;
    private readonly int[] _scratch;
    private readonly short[] _recording;
    private readonly short[] _hold;
    private readonly IAudioSource? _musicOnHold;

    /// <summary>Creates a mixer at a sample rate with optional music on hold (looped by the caller's source).</summary>
    public ConferenceMixer(int sampleRate, IAudioSource? musicOnHold = null)
    {
        Format = new PcmFormat(sampleRate).Validate();
        if (musicOnHold is not null && musicOnHold.SampleRate != sampleRate)
        {
            throw new ArgumentException($"music on hold must be at {sampleRate} Hz, is {musicOnHold.SampleRate} Hz", nameof(musicOnHold));
        }
        _musicOnHold = musicOnHold;
        var n = Format.SamplesPerFrame;
        _total = new int[n];
        _scratch = new int[n];
        _recording = new short[n];
        _hold = new short[n];
    }

    /// <summary>Mixer format (mono, 20 ms frames).</summary>
    public PcmFormat Format { get; }

    /// <summary>Whether the conversation has started (music on hold stops).</summary>
    public bool IsStarted { get; private set; }

    /// <summary>Participants in join order.</summary>
    public IReadOnlyList<ConferenceParticipant> Participants => _participants;

    /// <summary>This tick's mix of every participant that is not muted (for conversation recording).</summary>
    public ReadOnlySpan<short> RecordingMix => _recording;

    /// <summary>Adds a participant.</summary>
    /// <exception cref="InvalidOperationException">Id already present.</exception>
    public ConferenceParticipant Join(string id, ConferenceParticipantOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        if (_byId.ContainsKey(id))
        {
            throw new InvalidOperationException($"participant '{id}' is already in the conference");
        }
        var p = new ConferenceParticipant(id, Format.SamplesPerFrame, options ?? ConferenceParticipantOptions.Default);
        _participants.Add(p);
        _byId.Add(id, p);
        return p;
    }

    /// <summary>Removes a participant; returns false when absent.</summary>
    public bool Leave(string id)
    {
        if (!_byId.Remove(id, out var p))
        {
            return false;
        }
        _participants.Remove(p);
        return true;
    }

    /// <summary>Starts the conversation: participants hear each other instead of music on hold.</summary>
    public void Start() => IsStarted = true;

    /// <summary>Runs one 20 ms tick: reads every <see cref="ConferenceParticipant.Input"/> and fills every output.</summary>
    public void Mix()
    {
        var total = _total.AsSpan();
        total.Clear();
        _restricted.Clear();
        var record = _scratch.AsSpan();
        record.Clear();
        foreach (var p in _participants)
        {
            if (!p.HasInput || p.Mute)
            {
                continue;
            }
            var input = p.InputBuffer.AsSpan();
            if (p.CanSpeakSet is null)
            {
                Accumulate(input, total);
            }
            else
            {
                _restricted.Add(p);
                Accumulate(input, record);
            }
        }
        // Recording = broadcast total + restricted speakers.
        for (var i = 0; i < record.Length; i++)
        {
            _recording[i] = Pcm16.Saturate(record[i] + total[i]);
        }

        if (!IsStarted)
        {
            var hold = _hold.AsSpan();
            var got = _musicOnHold?.Read(hold) ?? 0;
            hold[got..].Clear();
            foreach (var p in _participants)
            {
                if (p.Earmuff)
                {
                    p.OutputBuffer.AsSpan().Clear();
                }
                else
                {
                    hold.CopyTo(p.OutputBuffer);
                }
            }
        }
        else
        {
            foreach (var listener in _participants)
            {
                MixFor(listener, total);
            }
        }
        foreach (var p in _participants)
        {
            p.EndTick();
        }
    }

    private void MixFor(ConferenceParticipant listener, ReadOnlySpan<int> total)
    {
        var output = listener.OutputBuffer.AsSpan();
        if (listener.Earmuff)
        {
            output.Clear();
            return;
        }
        var acc = _scratch.AsSpan();
        if (listener.CanHearSet is { } canHear)
        {
            // Explicit list: sum only those (cost proportional to the list).
            acc.Clear();
            foreach (var id in canHear)
            {
                if (id != listener.Id && _byId.TryGetValue(id, out var q) && Speaks(q, listener))
                {
                    Accumulate(q.InputBuffer, acc);
                }
            }
        }
        else
        {
            total.CopyTo(acc);
            if (listener.HasInput && !listener.Mute && listener.CanSpeakSet is null)
            {
                Subtract(listener.InputBuffer, acc);
            }
            foreach (var q in _restricted)
            {
                if (q != listener && q.CanSpeakSet!.Contains(listener.Id))
                {
                    Accumulate(q.InputBuffer, acc);
                }
            }
        }
        for (var i = 0; i < output.Length; i++)
        {
            output[i] = Pcm16.Saturate(acc[i]);
        }
    }

    private static bool Speaks(ConferenceParticipant speaker, ConferenceParticipant listener) =>
        speaker.HasInput && !speaker.Mute && (speaker.CanSpeakSet is null || speaker.CanSpeakSet.Contains(listener.Id));

    private static void Accumulate(ReadOnlySpan<short> input, Span<int> acc)
    {
        for (var i = 0; i < acc.Length; i++)
        {
            acc[i] += input[i];
        }
    }

    private static void Subtract(ReadOnlySpan<short> input, Span<int> acc)
    {
        for (var i = 0; i < acc.Length; i++)
        {
            acc[i] -= input[i];
        }
    }
}
