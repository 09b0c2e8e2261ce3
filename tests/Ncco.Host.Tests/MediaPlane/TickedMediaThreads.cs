using Microsoft.Extensions.Logging.Abstractions;
using Ncco.Host.MediaPlane;
using Ncco.Media.Playback;

namespace Ncco.Host.Tests.MediaPlane;

/// <summary>
/// Media threads a test ticks itself (built without their clock), with the HTTP client and prompt cache their renderer
/// needs; disposing this disposes every thread it made, their metrics, and deletes the cache.
/// </summary>
internal sealed class TickedMediaThreads : IAsyncDisposable
{
    private readonly HttpClient _http = new();
    private readonly List<(MediaThread Thread, MediaMetrics Metrics)> _threads = [];
    private readonly string _cache = Directory.CreateTempSubdirectory("ncco-media-cache-").FullName;

    /// <summary>The threads made so far, in order.</summary>
    public IReadOnlyList<MediaThread> Made => [.. _threads.Select(t => t.Thread)];

    /// <summary>
    /// A new media thread with <paramref name="workers"/> workers, its clock not started; with
    /// <paramref name="parallelFlushMinimumLegs"/>, that instead of the thread's default.
    /// </summary>
    public MediaThread Create(int workers = 1, int? parallelFlushMinimumLegs = null)
    {
        var metrics = new MediaMetrics(null);
        var renderer = new PlaybackRenderer(null, new StreamPlayer(_http, TimeProvider.System, new StreamPlayerOptions(_cache)));
        var thread = parallelFlushMinimumLegs is { } minimum
            ? new MediaThread(TimeProvider.System, metrics, renderer, null, NullLogger.Instance, startClock: false, workers: workers) { ParallelFlushMinimumLegs = minimum }
            : new MediaThread(TimeProvider.System, metrics, renderer, null, NullLogger.Instance, startClock: false, workers: workers);
        _threads.Add((thread, metrics));
        return thread;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (thread, metrics) in _threads)
        {
            await thread.DisposeAsync();
            metrics.Dispose();
        }
        _http.Dispose();
        Directory.Delete(_cache, recursive: true);
    }
}
