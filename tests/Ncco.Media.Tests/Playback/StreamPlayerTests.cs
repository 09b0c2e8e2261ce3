using System.Net;
using Microsoft.Extensions.Time.Testing;
using Ncco.Media.Pcm;
using Ncco.Media.Playback;
using Ncco.Media.SoundFile;
using Ncco.Media.Tests.Support;
using Ncco.Media.Wav;

namespace Ncco.Media.Tests.Playback;

public sealed class StreamPlayerTests : IAsyncLifetime
{
    private HttpListener _listener = null!;
    private readonly Dictionary<string, (byte[] Body, string CacheControl, string? ETag)> _files = [];
    private int _hits;
    private int _notModified;
    private int _replyDelayMs;
    private int _replyTogether;
    private Task _serve = Task.CompletedTask;
    private Uri _base = null!;

    public Task InitializeAsync()
    {
        (_listener, _base) = LoopbackHttpListener.Start();
        _serve = Task.Run(async () =>
        {
            while (_listener.IsListening)
            {
                HttpListenerContext ctx;
                try
                {
                    ctx = await _listener.GetContextAsync();
                }
                catch (Exception) when (!_listener.IsListening)
                {
                    return;
                }
                Interlocked.Increment(ref _hits);
                // Each request on its own task: concurrent downloads overlap as they would against a real server.
                _ = Task.Run(() => ReplyAsync(ctx));
            }
        });
        return Task.CompletedTask;
    }

    private async Task ReplyAsync(HttpListenerContext ctx)
    {
        if (!_files.TryGetValue(ctx.Request.Url!.AbsolutePath, out var f))
        {
            ctx.Response.StatusCode = 404;
            ctx.Response.Close();
            return;
        }
        if (f.ETag is not null && ctx.Request.Headers["If-None-Match"] == f.ETag)
        {
            Interlocked.Increment(ref _notModified);
            ctx.Response.StatusCode = 304;
            ctx.Response.Headers["Cache-Control"] = f.CacheControl;
            ctx.Response.Close();
            return;
        }
        ctx.Response.Headers["Cache-Control"] = f.CacheControl;
        if (f.ETag is not null)
        {
            ctx.Response.Headers["ETag"] = f.ETag;
        }
        // Replies held until that many requests have arrived (bounded by a second), so they all complete together.
        for (var waited = 0; Volatile.Read(ref _hits) < _replyTogether && waited < 1000; waited += 10)
        {
            await Task.Delay(10);
        }
        await Task.Delay(_replyDelayMs);
        await ctx.Response.OutputStream.WriteAsync(f.Body);
        ctx.Response.Close();
    }

    public async Task DisposeAsync()
    {
        // Close alone: Stop followed by Close releases the prefix twice, and the second release re-binds the port,
        // which fails when another test process has taken it meanwhile.
        _listener.Close();
        await _serve;
    }

    private static byte[] Mp3Tone(double seconds)
    {
        var path = Tools.TempFile($"stream-{seconds}.mp3");
        SoundFileWriter.WriteAll(path, SoundFileFormat.Mp3, Signals.Sine(440, 22050, (int)(22050 * seconds)), 22050, 1);
        return File.ReadAllBytes(path);
    }

    private static byte[] WavTone()
    {
        var ms = new MemoryStream();
        using (var w = new WavWriter(ms, 16000, leaveOpen: true))
        {
            w.Write(Signals.Sine(440, 16000, 16000));
        }
        return ms.ToArray();
    }

    private (StreamPlayer Player, FakeTimeProvider Clock, HttpClient Http) Create(long maxItem = 16000 * 300)
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var http = new HttpClient();
        var dir = Tools.TempFile("stream-cache-" + Guid.NewGuid().ToString("N"));
        return (new StreamPlayer(http, clock, new StreamPlayerOptions(dir, MaxDecodedSamplesPerItem: (int)maxItem)), clock, http);
    }

    private static short[] Drain(IAudioSource source, int max = 8000 * 120)
    {
        var all = new List<short>();
        var frame = new short[160];
        int n;
        while (all.Count < max && (n = source.Read(frame)) > 0)
        {
            all.AddRange(frame.AsSpan(0, n));
        }
        return [.. all];
    }

    [Fact]
    public async Task Mp3_is_decoded_resampled_looped_and_cached_per_cache_control()
    {
        _files["/hold.mp3"] = (Mp3Tone(1), "public, max-age=360000", null);
        var (player, clock, http) = Create();
        using var _ = http;
        var source = await player.OpenAsync(new StreamRequest(new Uri(_base, "hold.mp3"), Level: -0.5, Loop: 2), 8000, CancellationToken.None);
        var audio = Drain(source);
        Assert.InRange(audio.Length, 8000 * 2, (8000 * 2) + 4000);
        Assert.InRange(Signals.ToneAmplitude(audio.AsSpan(2000, 4000), 440, 8000), 4500, 5500);
        await player.OpenAsync(new StreamRequest(new Uri(_base, "hold.mp3")), 8000, CancellationToken.None);
        Assert.Equal(1, _hits);
        clock.Advance(TimeSpan.FromSeconds(360001));
        await player.OpenAsync(new StreamRequest(new Uri(_base, "hold.mp3")), 8000, CancellationToken.None);
        Assert.Equal(2, _hits);
    }

    [Fact]
    public async Task No_store_refetches_and_etag_revalidates()
    {
        _files["/a.wav"] = (WavTone(), "no-store", null);
        _files["/b.wav"] = (WavTone(), "no-cache", "\"v1\"");
        var (player, _, http) = Create();
        using var _h = http;
        await player.OpenAsync(new StreamRequest(new Uri(_base, "a.wav")), 16000, CancellationToken.None);
        await player.OpenAsync(new StreamRequest(new Uri(_base, "a.wav")), 16000, CancellationToken.None);
        Assert.Equal(2, _hits);
        await player.OpenAsync(new StreamRequest(new Uri(_base, "b.wav")), 16000, CancellationToken.None);
        var again = await player.OpenAsync(new StreamRequest(new Uri(_base, "b.wav")), 16000, CancellationToken.None);
        Assert.Equal(4, _hits);
        Assert.Equal(1, _notModified);
        Assert.Equal(16000, Drain(again).Length);
    }

    [Fact]
    public async Task Long_file_streams_from_disk_with_bounded_memory()
    {
        _files["/long.mp3"] = (Mp3Tone(20), "max-age=60", null);
        var (player, _, http) = Create(maxItem: 8000 * 5);
        using var _h = http;
        var source = await player.OpenAsync(new StreamRequest(new Uri(_base, "long.mp3"), Loop: 1), 8000, CancellationToken.None);
        var streaming = Assert.IsType<StreamingAudioSource>(source);
        var total = 0L;
        var frame = new short[160];
        for (var i = 0; i < 200_000 && !streaming.IsFinished; i++)
        {
            var n = source.Read(frame);
            if (streaming.HasStartedPlaying)
            {
                total += n;
            }
            if (!streaming.HasStartedPlaying || Pcm16.Rms(frame) == 0)
            {
                await Task.Delay(1);
            }
        }
        Assert.True(streaming.IsFinished);
        Assert.Null(streaming.Error);
        Assert.InRange(total, 8000 * 20, (8000 * 21) + (streaming.Underruns * 160));
        await streaming.DisposeAsync();
    }

    [Fact]
    public async Task Clear_errors_for_404_unreachable_and_undecodable()
    {
        _files["/page.mp3"] = ("<html>sorry</html>"u8.ToArray(), "max-age=60", null);
        var (player, _, http) = Create();
        using var _h = http;
        var notFound = await Assert.ThrowsAsync<MediaFetchException>(() => player.OpenAsync(new StreamRequest(new Uri(_base, "missing.mp3")), 8000, CancellationToken.None));
        Assert.Contains("HTTP 404", notFound.Message, StringComparison.Ordinal);
        Assert.Contains("missing.mp3", notFound.Message, StringComparison.Ordinal);
        var unreachable = await Assert.ThrowsAsync<MediaFetchException>(() => player.OpenAsync(new StreamRequest(new Uri("http://127.0.0.1:9/x.mp3")), 8000, CancellationToken.None));
        Assert.Contains("unreachable", unreachable.Message, StringComparison.Ordinal);
        var garbage = await Assert.ThrowsAsync<MediaFetchException>(() => player.OpenAsync(new StreamRequest(new Uri(_base, "page.mp3")), 8000, CancellationToken.None));
        Assert.Contains("not decodable", garbage.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Calls_opening_one_uncached_prompt_at_once_share_one_download_and_all_decode_it()
    {
        // A burst of new calls whose NCCO streams the same prompt, none cached yet: before, each call downloaded its own
        // copy and each copy's Store deleted the previous one — a call still about to open its copy then failed with
        // "cannot decode …: file not found" (6 of 500 calls at 500 cps in bench/side-by-side).
        _files["/burst.wav"] = (WavTone(), "max-age=3600", null);
        _replyTogether = 32;
        var (player, _, http) = Create();
        using var _h = http;
        var opens = Enumerable.Range(0, 32)
            .Select(_ => Task.Run(() => player.OpenAsync(new StreamRequest(new Uri(_base, "burst.wav")), 16000, CancellationToken.None)))
            .ToArray();
        var sources = await Task.WhenAll(opens);
        Assert.Equal(1, _hits);
        Assert.Equal(1, player.Requests);
        Assert.All(sources, s => Assert.Equal(16000, Drain(s).Length));
    }

    [Fact]
    public async Task A_caller_giving_up_does_not_cancel_the_download_others_wait_for()
    {
        _files["/shared.wav"] = (WavTone(), "max-age=3600", null);
        // The download is still in flight when the second caller asks.
        _replyDelayMs = 300;
        var (player, _, http) = Create();
        using var _h = http;
        using var gaveUp = new CancellationTokenSource();
        gaveUp.Cancel();
        var first = player.OpenAsync(new StreamRequest(new Uri(_base, "shared.wav")), 16000, CancellationToken.None);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => player.OpenAsync(new StreamRequest(new Uri(_base, "shared.wav")), 16000, gaveUp.Token));
        Assert.Equal(16000, Drain(await first).Length);
        Assert.Equal(1, player.Requests);
    }
}
