using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using Ncco.Media.Pcm;
using Ncco.Media.Resampling;
using Ncco.Media.SoundFile;
using Ncco.Media.Wav;

namespace Ncco.Media.Playback;

/// <summary>
/// Plays <c>stream</c> URLs: downloads over HTTP honouring <c>Cache-Control</c> (max-age / s-maxage / no-cache /
/// no-store, <c>Expires</c>, and revalidation with <c>ETag</c>/<c>Last-Modified</c>), decodes with libsndfile, resamples to
/// the call rate, and caches the decoded audio in memory (bounded); files too long for the cache are decoded from disk
/// while they play, so memory stays bounded. Unreachable URLs, HTTP errors and undecodable bodies raise
/// <see cref="MediaFetchException"/> before playback starts. Thread-safe.
/// </summary>
public sealed class StreamPlayer
{
    private readonly HttpClient _http;
    private readonly TimeProvider _time;
    private readonly StreamPlayerOptions _options;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TaskCompletionSource<Entry>> _downloads = new(StringComparer.Ordinal);
    private readonly LinkedList<(string Key, int Samples)> _decodedOrder = new();
    private long _decodedSamples;
    private int _requests;

    /// <summary>Creates a player.</summary>
    public StreamPlayer(HttpClient http, TimeProvider timeProvider, StreamPlayerOptions options)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(options);
        _http = http;
        _time = timeProvider;
        _options = options;
        Directory.CreateDirectory(options.CacheDirectory);
    }

    /// <summary>HTTP requests made so far (for tests and metrics).</summary>
    public int Requests => _requests;

    /// <summary>Fetches (or reuses) and opens a stream for playback at <paramref name="sampleRate"/>.</summary>
    /// <exception cref="MediaFetchException">Unreachable, HTTP error, too large, or not decodable.</exception>
    public async Task<IAudioSource> OpenAsync(StreamRequest request, int sampleRate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Url.Scheme is not ("http" or "https"))
        {
            throw new MediaFetchException(request.Url, "only http and https URLs are supported");
        }
        // One retry: the file this entry names can be replaced (and deleted) by a newer download of the same URL between
        // the fetch and the open — the entry had gone stale and another call refreshed it; the newer file is then used.
        for (var attempt = 0; ; attempt++)
        {
            var entry = await GetFileAsync(request.Url, cancellationToken).ConfigureAwait(false);
            var key = $"{sampleRate}|{entry.Version}|{request.Url}";
            short[]? decoded;
            lock (_gate)
            {
                decoded = entry.Decoded.TryGetValue(sampleRate, out var d) ? d : null;
            }
            if (decoded is null)
            {
                SoundFileReader reader;
                try
                {
                    reader = SoundFileReader.Open(entry.Path);
                }
                catch (InvalidAudioException) when (attempt == 0 && !File.Exists(entry.Path))
                {
                    continue;
                }
                catch (InvalidAudioException ex)
                {
                    throw new MediaFetchException(request.Url, $"the body is not decodable audio ({ex.Message})", ex);
                }
                using (reader)
                {
                    var estimated = reader.Frames * sampleRate / Math.Max(1, reader.SampleRate);
                    if (reader.Frames <= 0 || estimated > _options.MaxDecodedSamplesPerItem)
                    {
                        // Long file: decode from disk while playing.
                        var path = entry.Path;
                        return new StreamingAudioSource(ct => DecodeAsync(path, sampleRate, ct), sampleRate, request.Loop, request.Level, maxCachedSamples: 0, queueChunks: 16);
                    }
                    decoded = DecodeAll(reader, sampleRate);
                }
                Remember(entry, sampleRate, decoded, key);
            }
            return new BufferAudioSource(decoded, sampleRate, request.Loop, request.Level);
        }
    }

    private void Remember(Entry entry, int sampleRate, short[] decoded, string key)
    {
        lock (_gate)
        {
            if (entry.NoStore)
            {
                return;
            }
            entry.Decoded[sampleRate] = decoded;
            _decodedOrder.AddLast((key, decoded.Length));
            _decodedSamples += decoded.Length;
            while (_decodedSamples > _options.MaxDecodedCacheSamples && _decodedOrder.First is { } oldest)
            {
                _decodedOrder.RemoveFirst();
                _decodedSamples -= oldest.Value.Samples;
                var parts = oldest.Value.Key.Split('|', 3);
                if (_entries.TryGetValue(parts[2], out var e) && e.Version.ToString(System.Globalization.CultureInfo.InvariantCulture) == parts[1])
                {
                    e.Decoded.Remove(int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture));
                }
            }
        }
    }

    private static short[] DecodeAll(SoundFileReader reader, int sampleRate)
    {
        // Into one pooled buffer sized from the header and copied out once at its length: not a list of samples, an
        // array per block and a final copy. A prompt is decoded once per process and rate, but the calls that arrive
        // before the first decode is cached each decode it (issue 19: at 200 new calls a second, dozens of them).
        var decoder = new BlockDecoder(reader, sampleRate);
        var pool = System.Buffers.ArrayPool<short>.Shared;
        var result = pool.Rent((int)Math.Min((reader.Frames * sampleRate / Math.Max(1, reader.SampleRate)) + 1024, Array.MaxLength));
        var length = 0;
        try
        {
            while (decoder.TryRead(out var block))
            {
                if (length + block.Length > result.Length)
                {
                    var larger = pool.Rent((int)Math.Min(Math.Max((long)result.Length * 2, length + block.Length), Array.MaxLength));
                    result.AsSpan(0, length).CopyTo(larger);
                    pool.Return(result);
                    result = larger;
                }
                block.CopyTo(result.AsSpan(length));
                length += block.Length;
            }
            return result.AsSpan(0, length).ToArray();
        }
        finally
        {
            pool.Return(result);
        }
    }

    private static IEnumerable<short[]> DecodeBlocks(SoundFileReader reader, int sampleRate)
    {
        var decoder = new BlockDecoder(reader, sampleRate);
        while (decoder.TryRead(out var block))
        {
            var copy = block.ToArray();
            yield return copy;
        }
    }

    /// <summary>
    /// Reads a file block by block, mixed down to mono and converted to the requested rate, into buffers it reuses: one
    /// loop for the whole-prompt decode and the streamed one.
    /// </summary>
    private sealed class BlockDecoder(SoundFileReader reader, int sampleRate)
    {
        private const int BlockFrames = 4096;
        private readonly short[] _interleaved = new short[BlockFrames * reader.Channels];
        private readonly short[] _mono = new short[BlockFrames];
        private readonly Resampler? _resampler = reader.SampleRate == sampleRate ? null : new Resampler(reader.SampleRate, sampleRate);
        private short[] _output = [];

        /// <summary>The next block (valid until the next read), or false at the end of the file.</summary>
        public bool TryRead(out ReadOnlySpan<short> block)
        {
            var n = reader.Read(_interleaved);
            if (n <= 0)
            {
                block = default;
                return false;
            }
            var channels = reader.Channels;
            var frames = n / channels;
            for (var i = 0; i < frames; i++)
            {
                var sum = 0;
                for (var c = 0; c < channels; c++)
                {
                    sum += _interleaved[(i * channels) + c];
                }
                _mono[i] = (short)(sum / channels);
            }
            if (_resampler is null)
            {
                block = _mono.AsSpan(0, frames);
                return true;
            }
            if (_output.Length == 0) _output = new short[_resampler.MaxOutputFor(BlockFrames)];
            block = _output.AsSpan(0, _resampler.Process(_mono.AsSpan(0, frames), _output));
            return true;
        }
    }

    private static async IAsyncEnumerable<ReadOnlyMemory<short>> DecodeAsync(string path, int sampleRate, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var reader = SoundFileReader.Open(path);
        foreach (var block in DecodeBlocks(reader, sampleRate))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return block;
            await Task.Yield();
        }
    }

    /// <summary>
    /// The cached file for <paramref name="url"/> while it is fresh, else a download (or revalidation) of it. Requests for
    /// a URL made while its download is in flight wait for that download instead of starting their own (its response was
    /// fetched after they asked, so it is as fresh as theirs would be): at a burst of new calls all playing one uncached
    /// prompt, the origin gets one request and the disk one copy, and no call's file is replaced under it by another's.
    /// The shared download is bounded by <see cref="StreamPlayerOptions.DownloadTimeout"/>, not by any one caller's token:
    /// a caller that gives up stops waiting, the others still get the file.
    /// </summary>
    private Task<Entry> GetFileAsync(Uri url, CancellationToken cancellationToken)
    {
        var key = url.ToString();
        Entry? cached;
        lock (_gate)
        {
            _entries.TryGetValue(key, out cached);
        }
        var now = _time.GetUtcNow();
        if (cached is not null && !cached.NoCache && now < cached.Expires && File.Exists(cached.Path))
        {
            return Task.FromResult(cached);
        }
        TaskCompletionSource<Entry> download;
        lock (_gate)
        {
            if (_downloads.TryGetValue(key, out var inFlight))
            {
                return inFlight.Task.WaitAsync(cancellationToken);
            }
            download = new TaskCompletionSource<Entry>(TaskCreationOptions.RunContinuationsAsynchronously);
            _downloads[key] = download;
        }
        _ = DownloadAsync(url, key, cached, now, download);
        return download.Task.WaitAsync(cancellationToken);
    }

    private async Task DownloadAsync(Uri url, string key, Entry? cached, DateTimeOffset now, TaskCompletionSource<Entry> download)
    {
        try
        {
            var entry = await FetchAsync(url, key, cached, now).ConfigureAwait(false);
            Forget(key, download);
            download.SetResult(entry);
        }
        catch (Exception ex)
        {
            Forget(key, download);
            download.SetException(ex);
        }
    }

    private void Forget(string key, TaskCompletionSource<Entry> download)
    {
        lock (_gate)
        {
            if (_downloads.TryGetValue(key, out var current) && current == download)
            {
                _downloads.Remove(key);
            }
        }
    }

    private async Task<Entry> FetchAsync(Uri url, string key, Entry? cached, DateTimeOffset now)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (cached is not null && File.Exists(cached.Path))
        {
            if (cached.ETag is not null)
            {
                request.Headers.IfNoneMatch.Add(cached.ETag);
            }
            if (cached.LastModified is { } lm)
            {
                request.Headers.IfModifiedSince = lm;
            }
        }
        // Wall-clock, as before: a host under test on virtual time (advanced by minutes at once) must not time out a real
        // download in flight.
        using var timeout = new CancellationTokenSource(_options.DownloadTimeout ?? TimeSpan.FromSeconds(30));
        HttpResponseMessage response;
        try
        {
            Interlocked.Increment(ref _requests);
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new MediaFetchException(url, $"unreachable ({ex.Message})", ex);
        }
        catch (OperationCanceledException ex)
        {
            throw new MediaFetchException(url, "download timed out", ex);
        }
        using (response)
        {
            if (response.StatusCode == System.Net.HttpStatusCode.NotModified && cached is not null)
            {
                var refreshed = cached with { Expires = Expiry(response, now), NoCache = IsNoCache(response) };
                refreshed.Decoded = cached.Decoded;
                Store(key, refreshed);
                return refreshed;
            }
            if (!response.IsSuccessStatusCode)
            {
                throw new MediaFetchException(url, $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
            }
            if (response.Content.Headers.ContentLength > _options.MaxDownloadBytes)
            {
                throw new MediaFetchException(url, $"file is {response.Content.Headers.ContentLength} bytes, the limit is {_options.MaxDownloadBytes}");
            }
            var path = Path.Combine(_options.CacheDirectory, Guid.NewGuid().ToString("N") + Extension(url));
            try
            {
                await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read, 64 * 1024, useAsync: true))
                {
                    await using var body = await response.Content.ReadAsStreamAsync(timeout.Token).ConfigureAwait(false);
                    // Pooled: every call that misses the cache downloads (see DecodeAll), 64 KB each.
                    var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(64 * 1024);
                    try
                    {
                        long total = 0;
                        int n;
                        while ((n = await body.ReadAsync(buffer, timeout.Token).ConfigureAwait(false)) > 0)
                        {
                            total += n;
                            if (total > _options.MaxDownloadBytes)
                            {
                                throw new MediaFetchException(url, $"file is larger than the limit of {_options.MaxDownloadBytes} bytes");
                            }
                            await file.WriteAsync(buffer.AsMemory(0, n), timeout.Token).ConfigureAwait(false);
                        }
                    }
                    finally
                    {
                        System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
                    }
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException)
            {
                File.Delete(path);
                throw new MediaFetchException(url, $"download failed ({ex.Message})", ex);
            }
            catch (OperationCanceledException ex)
            {
                File.Delete(path);
                throw new MediaFetchException(url, "download timed out", ex);
            }
            catch (MediaFetchException)
            {
                File.Delete(path);
                throw;
            }
            var entry = new Entry(path, now.UtcTicks, Expiry(response, now), IsNoCache(response), IsNoStore(response), response.Headers.ETag, response.Content.Headers.LastModified);
            if (!entry.NoStore)
            {
                Store(key, entry);
            }
            return entry;
        }
    }

    private void Store(string key, Entry entry)
    {
        lock (_gate)
        {
            if (_entries.TryGetValue(key, out var old) && old.Path != entry.Path)
            {
                TryDelete(old.Path);
            }
            _entries[key] = entry;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Still being played from disk; the cache directory is scratch space.
        }
    }

    private static bool IsNoStore(HttpResponseMessage r) => r.Headers.CacheControl?.NoStore == true;

    private static bool IsNoCache(HttpResponseMessage r) => r.Headers.CacheControl?.NoCache == true;

    private static DateTimeOffset Expiry(HttpResponseMessage r, DateTimeOffset now)
    {
        var cc = r.Headers.CacheControl;
        if (cc?.SharedMaxAge is { } smax)
        {
            return now + smax;
        }
        if (cc?.MaxAge is { } max)
        {
            return now + max;
        }
        if (r.Content.Headers.Expires is { } expires)
        {
            var date = r.Headers.Date ?? now;
            return now + (expires - date);
        }
        return now; // no freshness information: revalidate next time
    }

    private static string Extension(Uri url)
    {
        var ext = Path.GetExtension(url.AbsolutePath);
        return ext.Length is > 1 and <= 5 ? ext : ".audio";
    }

    private sealed record Entry(string Path, long Version, DateTimeOffset Expires, bool NoCache, bool NoStore, EntityTagHeaderValue? ETag, DateTimeOffset? LastModified)
    {
        public Dictionary<int, short[]> Decoded { get; set; } = [];
    }
}
