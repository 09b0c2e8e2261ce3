using Ncco.Media.Pcm;

namespace Ncco.Media.Mixing;

/// <summary>
/// N-party mixer for a <c>conversation</c>. Each participant hears the mix of everybody who may speak to it, minus
/// itself. A tick costs O(N · frame) however many talk: the broadcast speakers are summed once in 32 bits, a speaker
/// hears <c>total − own</c>, and everybody who adds nothing to the total (silent, muted, not sending, or speaking only
/// through a <c>canSpeak</c> list) hears the same saturated total, computed once and copied. Only <c>canSpeak</c> and
/// <c>canHear</c> lists add work, in proportion to the lists. Sums saturate once, at the end (no intermediate
/// wrap-around); a frame of exact zeros is skipped (exactly the same result as adding it). Frames are vector-wide.
/// Until <see cref="Start"/> every participant hears the music-on-hold source (or silence).
/// A mixed recording frame (everybody not muted) is available each tick in <see cref="RecordingMix"/>, computed only
/// when read. Not thread-safe: drive it from one media thread. A tick allocates nothing.
/// </summary>
public sealed class ConferenceMixer
{
    private readonly List<ConferenceParticipant> _participants = [];
    private readonly Dictionary<string, ConferenceParticipant> _byId = new(StringComparer.Ordinal);
    // Active speakers with a canSpeak list this tick: only they and the listeners their lists name need extra work.
    private readonly List<ConferenceParticipant> _restricted = [];
    private readonly int[] _total;
    private readonly int[] _restrictedTotal;
    private readonly int[] _scratch;
    private readonly short[] _shared;
    private readonly short[] _recording;
    private readonly short[] _hold;
    private readonly IAudioSource? _musicOnHold;
    private long _tick;
    private bool _sharedReady;
    private bool _recordingReady;

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
        _restrictedTotal = new int[n];
        _scratch = new int[n];
        _shared = new short[n];
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
    public ReadOnlySpan<short> RecordingMix
    {
        get
        {
            if (!_recordingReady)
            {
                if (_restricted.Count == 0)
                {
                    Shared().CopyTo(_recording);
                }
                else
                {
                    // Recording = broadcast total + the speakers that whisper through canSpeak lists.
                    var acc = _scratch.AsSpan();
                    _total.CopyTo(acc);
                    for (var i = 0; i < acc.Length; i++)
                    {
                        acc[i] += _restrictedTotal[i];
                    }
                    MixKernels.Saturate(acc, _recording);
                }
                _recordingReady = true;
            }
            return _recording;
        }
    }

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
        _tick++;
        _sharedReady = false;
        _recordingReady = false;
        _total.AsSpan().Clear();
        _restricted.Clear();
        var participants = _participants;
        for (var k = 0; k < participants.Count; k++)
        {
            var p = participants[k];
            // An all-zero frame adds nothing: skipping it changes no sample and spares the listener's subtraction.
            p.Active = p.HasInput && !p.Mute && p.InputBuffer.AsSpan().IndexOfAnyExcept((short)0) >= 0;
            if (!p.Active)
            {
                continue;
            }
            if (p.CanSpeakSet is not { } canSpeak)
            {
                MixKernels.Accumulate(p.InputBuffer, _total);
                continue;
            }
            if (_restricted.Count == 0)
            {
                // Cleared only in ticks that have a whisperer (RecordingMix reads it only then).
                _restrictedTotal.AsSpan().Clear();
            }
            _restricted.Add(p);
            MixKernels.Accumulate(p.InputBuffer, _restrictedTotal);
            foreach (var id in canSpeak)
            {
                if (_byId.TryGetValue(id, out var listener) && listener != p)
                {
                    listener.WhisperedTick = _tick;
                }
            }
        }

        if (!IsStarted)
        {
            var hold = _hold.AsSpan();
            var got = _musicOnHold?.Read(hold) ?? 0;
            hold[got..].Clear();
            for (var k = 0; k < participants.Count; k++)
            {
                var p = participants[k];
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
            for (var k = 0; k < participants.Count; k++)
            {
                MixFor(participants[k]);
            }
        }
        for (var k = 0; k < participants.Count; k++)
        {
            participants[k].EndTick();
        }
    }

    /// <summary>The saturated broadcast total: what everybody who adds nothing to it hears (computed once a tick).</summary>
    private ReadOnlySpan<short> Shared()
    {
        if (!_sharedReady)
        {
            MixKernels.Saturate(_total, _shared);
            _sharedReady = true;
        }
        return _shared;
    }

    private void MixFor(ConferenceParticipant listener)
    {
        var output = listener.OutputBuffer.AsSpan();
        if (listener.Earmuff)
        {
            output.Clear();
            return;
        }
        var inTotal = listener.Active && listener.CanSpeakSet is null;
        if (listener.CanHearSet is { } canHear)
        {
            // Explicit list: sum only those (cost proportional to the list).
            var acc = _scratch.AsSpan();
            acc.Clear();
            foreach (var id in canHear)
            {
                if (id != listener.Id && _byId.TryGetValue(id, out var q) && Speaks(q, listener))
                {
                    MixKernels.Accumulate(q.InputBuffer, acc);
                }
            }
            MixKernels.Saturate(acc, output);
        }
        else if (listener.WhisperedTick == _tick)
        {
            // Named in somebody's canSpeak list: the total (minus itself) plus those whispers.
            var acc = _scratch.AsSpan();
            if (inTotal)
            {
                MixKernels.Difference(_total, listener.InputBuffer, acc);
            }
            else
            {
                _total.CopyTo(acc);
            }
            foreach (var q in _restricted)
            {
                if (q != listener && q.CanSpeakSet!.Contains(listener.Id))
                {
                    MixKernels.Accumulate(q.InputBuffer, acc);
                }
            }
            MixKernels.Saturate(acc, output);
        }
        else if (inTotal)
        {
            MixKernels.SaturateDifference(_total, listener.InputBuffer, output);
        }
        else
        {
            Shared().CopyTo(output);
        }
    }

    private static bool Speaks(ConferenceParticipant speaker, ConferenceParticipant listener) =>
        speaker.Active && (speaker.CanSpeakSet is null || speaker.CanSpeakSet.Contains(listener.Id));
}
