using System.Threading.Channels;
using Ncco.Media.Pcm;

namespace Ncco.Media.Playback;

/// <summary>
/// Plays audio produced asynchronously (streaming TTS, a decoder working through a long file) on the 20 ms media
/// thread without blocking it: a pump task fills a bounded queue (≈ a few seconds ahead, so memory stays bounded for
/// long sources) and <see cref="Read"/> only takes what is ready, filling silence while starved. Loops by replaying
/// the first pass from memory when it was short enough, otherwise by running the producer again. Applies <c>level</c>.
/// </summary>
public sealed class StreamingAudioSource : IAudioSource, IAsyncDisposable
{
    private readonly Func<CancellationToken, IAsyncEnumerable<ReadOnlyMemory<short>>> _producer;
    private readonly int _loops;
    private readonly float _gain;
    private readonly int _maxCachedSamples;
    private readonly CancellationTokenSource _cts = new();
    private readonly List<ReadOnlyMemory<short>> _cache = [];
    private Channel<ReadOnlyMemory<short>> _queue;
    private Task _pump = Task.CompletedTask;
    private ReadOnlyMemory<short> _current;
    private int _completedLoops;
    private long _cachedSamples;
    private bool _cacheComplete;
    private bool _cacheOverflow;
    private int _cacheIndex = -1;
    private bool _started;

    /// <summary>Creates the source; call <see cref="Start"/> (or the first <see cref="Read"/> starts it).</summary>
    /// <param name="producer">Produces one pass of mono samples at <paramref name="sampleRate"/>.</param>
    /// <param name="sampleRate">Rate of the produced samples.</param>
    /// <param name="loop">Passes; 0 = forever.</param>
    /// <param name="level">NCCO level −1…1.</param>
    /// <param name="maxCachedSamples">Largest pass kept in memory for looping (default 5 minutes at 16 kHz).</param>
    /// <param name="queueChunks">Chunks buffered ahead of playback.</param>
    public StreamingAudioSource(Func<CancellationToken, IAsyncEnumerable<ReadOnlyMemory<short>>> producer, int sampleRate, int loop = 1, double level = 0, int maxCachedSamples = 16000 * 300, int queueChunks = 64)
    {
        ArgumentNullException.ThrowIfNull(producer);
        ArgumentOutOfRangeException.ThrowIfNegative(loop);
        _producer = producer;
        SampleRate = sampleRate;
        _loops = loop;
        _gain = Gain.FromLevel(level);
        _maxCachedSamples = maxCachedSamples;
        QueueChunks = queueChunks;
        _queue = NewQueue();
    }

    /// <inheritdoc />
    public int SampleRate { get; }

    /// <summary>Chunks buffered ahead.</summary>
    public int QueueChunks { get; }

    /// <summary>Frames filled with silence because the producer was late (after the first audio arrived).</summary>
    public long Underruns { get; private set; }

    /// <summary>Whether any audio has been read yet.</summary>
    public bool HasStartedPlaying { get; private set; }

    /// <summary>Set when the producer failed; playback stops.</summary>
    public Exception? Error { get; private set; }

    /// <summary>Whether every pass has been played (or the producer failed).</summary>
    public bool IsFinished { get; private set; }

    /// <summary>Starts producing in the background.</summary>
    public void Start()
    {
        if (_started)
        {
            return;
        }
        _started = true;
        StartPass();
    }

    /// <inheritdoc />
    public int Read(Span<short> destination)
    {
        Start();
        var written = 0;
        while (written < destination.Length && !IsFinished)
        {
            if (_current.IsEmpty && !NextChunk())
            {
                break;
            }
            var n = Math.Min(_current.Length, destination.Length - written);
            _current.Span[..n].CopyTo(destination[written..]);
            _current = _current[n..];
            written += n;
        }
        if (written > 0)
        {
            HasStartedPlaying = true;
        }
        Gain.Apply(destination[..written], _gain);
        if (written < destination.Length && !IsFinished)
        {
            if (HasStartedPlaying)
            {
                Underruns++;
            }
            destination[written..].Clear();
            return destination.Length; // starved, not finished: keep the clock fed with silence
        }
        return written;
    }

    /// <summary>Waits until the first chunk is ready (or the producer fails), e.g. to measure time to first audio.</summary>
    public async ValueTask WaitForFirstAudioAsync(CancellationToken cancellationToken)
    {
        Start();
        if (_cacheIndex < 0 && _current.IsEmpty)
        {
            await _queue.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private bool NextChunk()
    {
        if (_cacheIndex >= 0)
        {
            if (_cacheIndex < _cache.Count)
            {
                _current = _cache[_cacheIndex++];
                return true;
            }
            return EndOfPass();
        }
        if (_queue.Reader.TryRead(out var chunk))
        {
            _current = chunk;
            if (!_cacheOverflow)
            {
                _cachedSamples += chunk.Length;
                if (_cachedSamples <= _maxCachedSamples)
                {
                    _cache.Add(chunk);
                }
                else
                {
                    _cacheOverflow = true;
                    _cache.Clear();
                }
            }
            return true;
        }
        if (_queue.Reader.Completion.IsCompleted)
        {
            if (_queue.Reader.Completion.IsFaulted)
            {
                Error = _queue.Reader.Completion.Exception?.GetBaseException();
                IsFinished = true;
                return false;
            }
            _cacheComplete = !_cacheOverflow;
            return EndOfPass();
        }
        return false; // starved
    }

    private bool EndOfPass()
    {
        _completedLoops++;
        if (_loops != 0 && _completedLoops >= _loops)
        {
            IsFinished = true;
            return false;
        }
        if (_cacheComplete)
        {
            if (_cache.Count == 0)
            {
                IsFinished = true;
                return false;
            }
            _cacheIndex = 0;
            return NextChunk();
        }
        _queue = NewQueue();
        StartPass();
        return false;
    }

    private void StartPass()
    {
        var writer = _queue.Writer;
        var token = _cts.Token;
        _pump = Task.Run(async () =>
        {
            try
            {
                await foreach (var chunk in _producer(token).WithCancellation(token).ConfigureAwait(false))
                {
                    if (!chunk.IsEmpty)
                    {
                        await writer.WriteAsync(chunk, token).ConfigureAwait(false);
                    }
                }
                writer.TryComplete();
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                writer.TryComplete();
            }
            catch (Exception ex)
            {
                writer.TryComplete(ex);
            }
        }, CancellationToken.None);
    }

    private Channel<ReadOnlyMemory<short>> NewQueue() =>
        Channel.CreateBounded<ReadOnlyMemory<short>>(new BoundedChannelOptions(QueueChunks) { SingleReader = true, SingleWriter = true });

    /// <summary>Stops the producer.</summary>
    public async ValueTask DisposeAsync()
    {
        await _cts.CancelAsync().ConfigureAwait(false);
        await _pump.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _cts.Dispose();
    }
}
