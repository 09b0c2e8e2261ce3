namespace Ncco.Legs;

/// <summary>How long semantic audio "takes" for virtual legs (no real audio is produced).</summary>
public static class PlaybackDuration
{
    /// <summary>Seconds per spoken word for TTS (≈150 words/minute).</summary>
    public const double SecondsPerWord = 0.4;

    /// <summary>Default length of one loop of a streamed file whose duration is unknown.</summary>
    public static TimeSpan DefaultStream { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Estimated length of one loop of <paramref name="playback"/>.</summary>
    public static TimeSpan OneLoop(Playback playback)
    {
        ArgumentNullException.ThrowIfNull(playback);
        if (playback.KnownDuration is { } d) return d;
        return playback.Kind switch
        {
            PlaybackKind.Talk or PlaybackKind.ConversationAudio => Speech(playback.Text ?? ""),
            PlaybackKind.Beep => TimeSpan.FromMilliseconds(500),
            PlaybackKind.Dtmf => Dtmf(playback.Text ?? ""),
            _ => DefaultStream,
        };
    }

    /// <summary>Estimated spoken length of <paramref name="text"/> (SSML tags ignored), at least 0.5 s.</summary>
    public static TimeSpan Speech(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var words = CountWords(text);
        return TimeSpan.FromSeconds(Math.Max(0.5, Math.Round(words * SecondsPerWord, 1)));
    }

    /// <summary>DTMF tone train: 250 ms per digit, 500 ms per <c>p</c>.</summary>
    public static TimeSpan Dtmf(string digits)
    {
        ArgumentNullException.ThrowIfNull(digits);
        var milliseconds = 0;
        foreach (var c in digits) milliseconds += c is 'p' or 'P' ? 500 : 250;
        return TimeSpan.FromMilliseconds(milliseconds);
    }

    // Words are runs of non-white-space characters, an SSML tag (from '<' to the next '>') counting as white space —
    // what replacing each match of <[^>]*> with a space and splitting on white space counts, written out because the
    // regex's replace callback is framework code compiled at run time in a fresh test process (bench/first-scenario).
    // A '<' with no '>' after it is text, as it is for that regex.
    private static int CountWords(string text)
    {
        var words = 0;
        var inWord = false;
        var lastClose = text.LastIndexOf('>');
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '<' && i < lastClose)
            {
                i = text.IndexOf('>', i);
                inWord = false;
            }
            else if (char.IsWhiteSpace(c))
            {
                inWord = false;
            }
            else if (!inWord)
            {
                inWord = true;
                words++;
            }
        }
        return words;
    }
}
