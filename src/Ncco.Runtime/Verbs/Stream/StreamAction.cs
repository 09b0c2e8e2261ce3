namespace Ncco.Model.Actions;

/// <summary>Plays an audio file (MP3 or 16-bit WAV) fetched from a URL.</summary>
/// <param name="StreamUrl">The audio URL (sent on the wire as a one-element array).</param>
public sealed record StreamAction(Uri StreamUrl) : NccoAction
{
    private LazyUrl _streamUrl = new(StreamUrl);

    /// <summary>Binding from validated JSON: the URL kept as text until <see cref="StreamUrl"/> is read.</summary>
    internal StreamAction(LazyUrl streamUrl) : this((Uri)null!) => _streamUrl = streamUrl;

    /// <summary>The audio URL (sent on the wire as a one-element array).</summary>
    public Uri StreamUrl { get => _streamUrl.Value!; init => _streamUrl = new(value); }

    /// <inheritdoc />
    public override string Name => ActionNames.Stream;

    /// <summary>When true the NCCO moves on while the audio plays, and the next <c>input</c> stops it.</summary>
    public bool BargeIn { get; init; }

    /// <summary>How many times to play; 0 repeats until the call ends. Default 1.</summary>
    public int Loop { get; init; } = TalkAction.DefaultLoop;

    /// <summary>Volume from −1 to 1 in 0.1 steps. Default 0.</summary>
    public double Level { get; init; }
}
