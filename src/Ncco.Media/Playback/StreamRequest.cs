namespace Ncco.Media.Playback;

/// <summary>The media half of NCCO <c>stream</c>.</summary>
/// <param name="Url">Audio URL (MP3 or WAV; anything libsndfile decodes works).</param>
/// <param name="Level">Volume −1…1.</param>
/// <param name="Loop">Repetitions; 0 = until stopped.</param>
public sealed record StreamRequest(Uri Url, double Level = 0, int Loop = 1);
