namespace Ncco.Media.Playback;

/// <summary>Limits of <see cref="StreamPlayer"/>.</summary>
/// <param name="CacheDirectory">Where downloaded files are kept.</param>
/// <param name="MaxDecodedSamplesPerItem">Longest audio kept decoded in memory (default 5 min at 16 kHz); longer files stream from disk.</param>
/// <param name="MaxDecodedCacheSamples">Total decoded audio kept in memory (default ≈ 128 MB).</param>
/// <param name="MaxDownloadBytes">Largest file accepted (default 200 MB).</param>
/// <param name="DownloadTimeout">Timeout of one download.</param>
public sealed record StreamPlayerOptions(
    string CacheDirectory,
    int MaxDecodedSamplesPerItem = 16000 * 300,
    long MaxDecodedCacheSamples = 64L * 1024 * 1024,
    long MaxDownloadBytes = 200L * 1024 * 1024,
    TimeSpan? DownloadTimeout = null);
