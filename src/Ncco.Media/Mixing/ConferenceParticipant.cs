namespace Ncco.Media.Mixing;

/// <summary>
/// One leg in a <see cref="ConferenceMixer"/>. Each tick the transport writes the leg's received frame to
/// <see cref="Input"/> (or calls <see cref="WriteInput"/>), the mixer runs, and the transport sends <see cref="Output"/>.
/// </summary>
public sealed class ConferenceParticipant
{
    private readonly short[] _input;
    private readonly short[] _output;
    private HashSet<string>? _canSpeak;
    private HashSet<string>? _canHear;

    internal ConferenceParticipant(string id, int frameSamples, ConferenceParticipantOptions options)
    {
        Id = id;
        _input = new short[frameSamples];
        _output = new short[frameSamples];
        Apply(options);
    }

    /// <summary>Leg id (the ids used in canSpeak/canHear).</summary>
    public string Id { get; }

    /// <summary>This tick's received audio; cleared after each mix.</summary>
    public Span<short> Input => _input;

    /// <summary>What this participant hears this tick.</summary>
    public ReadOnlySpan<short> Output => _output;

    /// <summary>Whether <see cref="Input"/> holds audio for this tick.</summary>
    public bool HasInput { get; private set; }

    /// <summary>Current options.</summary>
    public ConferenceParticipantOptions Options { get; private set; } = ConferenceParticipantOptions.Default;

    internal bool Mute => Options.Mute;

    internal bool Earmuff => Options.Earmuff;

    internal HashSet<string>? CanSpeakSet => _canSpeak;

    internal HashSet<string>? CanHearSet => _canHear;

    internal short[] InputBuffer => _input;

    internal short[] OutputBuffer => _output;

    /// <summary>This tick: audible input (written, not muted, not all zeros) — the mixer's per-tick classification.</summary>
    internal bool Active { get; set; }

    /// <summary>The tick (mixer count) in which a canSpeak list last named this participant as a listener.</summary>
    internal long WhisperedTick { get; set; } = -1;

    /// <summary>Copies one received frame (shorter input is padded with silence).</summary>
    public void WriteInput(ReadOnlySpan<short> frame)
    {
        var n = Math.Min(frame.Length, _input.Length);
        frame[..n].CopyTo(_input);
        _input.AsSpan(n).Clear();
        HasInput = true;
    }

    /// <summary>Marks <see cref="Input"/> as filled after writing to it directly.</summary>
    public void CommitInput() => HasInput = true;

    /// <summary>Changes mute/earmuff/canSpeak/canHear (takes effect at the next tick).</summary>
    /// <exception cref="ArgumentException">Mute together with canSpeak (rejected by the platform too).</exception>
    public void Apply(ConferenceParticipantOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Mute && options.CanSpeak is not null)
        {
            throw new ArgumentException("mute cannot be combined with canSpeak", nameof(options));
        }
        Options = options;
        _canSpeak = options.CanSpeak is null ? null : new HashSet<string>(options.CanSpeak, StringComparer.Ordinal);
        _canHear = options.CanHear is null ? null : new HashSet<string>(options.CanHear, StringComparer.Ordinal);
    }

    internal void EndTick()
    {
        // Input not written this tick is still all zeros from the last clear.
        if (!HasInput) return;
        HasInput = false;
        Array.Clear(_input);
    }
}
