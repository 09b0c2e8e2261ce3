using System.Text.RegularExpressions;

namespace Ncco.Legs;

/// <summary>How long semantic audio "takes" for virtual legs (no real audio is produced).</summary>
public static partial class PlaybackDuration
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
        var plain = Tags().Replace(text, " ");
        var words = plain.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
        return TimeSpan.FromSeconds(Math.Max(0.5, Math.Round(words * SecondsPerWord, 1)));
    }

    /// <summary>DTMF tone train: 250 ms per digit, 500 ms per <c>p</c>.</summary>
    public static TimeSpan Dtmf(string digits) =>
        TimeSpan.FromMilliseconds(digits.Sum(c => c is 'p' or 'P' ? 500 : 250));

    [GeneratedRegex("<[^>]*>")]
    private static partial Regex Tags();
}
