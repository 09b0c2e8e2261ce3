using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;

namespace Ncco.Media.Tts;

/// <summary>
/// A bounded, shared cache of rendered prompts in front of another <see cref="ITextToSpeech"/>: an IVR says the same
/// few sentences to every caller, and synthesising them once per call costs CPU that grows with the call rate
/// (espeak-ng is serialised per process, so under load calls would also queue for it and start their prompts late).
/// <list type="bullet">
/// <item>A finished rendering is kept by <see cref="TtsCacheKey"/> (text, voice, rate — not level or loop) and replayed
/// from memory: <see cref="TryGet"/> for callers that can use the samples directly, or <see cref="SynthesizeAsync"/>.</item>
/// <item>Requests for a prompt still being rendered join that rendering and stream its chunks as they come (one
/// synthesis however many calls start the same prompt at once), instead of starting their own.</item>
/// <item>The cache holds at most <see cref="CapacityBytes"/> of samples (2 bytes each); the least recently used
/// renderings are dropped to make room, and one larger than a quarter of the capacity is streamed but not kept.</item>
/// <item>A failed synthesis is not kept: every listener sees the error, and the next request tries again.</item>
/// <item>A shared rendering runs to its end even if the call that started it hangs up (it is kept for the next
/// call); texts are at most <see cref="TtsRequest.MaxTextLength"/> characters, so that is bounded work.</item>
/// </list>
/// Thread-safe.
/// </summary>
public sealed class CachingTextToSpeech : ITextToSpeech
{
    private readonly ITextToSpeech _inner;
    private readonly Lock _gate = new();
    private readonly Dictionary<TtsCacheKey, LinkedListNode<(TtsCacheKey Key, short[] Samples)>> _done = [];
    private readonly LinkedList<(TtsCacheKey Key, short[] Samples)> _recency = new(); // most recent first
    private readonly Dictionary<TtsCacheKey, Rendering> _inFlight = [];
    private long _bytes;
    private long _hits;
    private long _joins;
    private long _misses;

    /// <summary>Wraps <paramref name="inner"/> with a cache of at most <paramref name="capacityBytes"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="capacityBytes"/> is not positive.</exception>
    public CachingTextToSpeech(ITextToSpeech inner, long capacityBytes)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacityBytes);
        _inner = inner;
        CapacityBytes = capacityBytes;
    }

    /// <inheritdoc />
    public string Name => _inner.Name;

    /// <summary>The most sample bytes kept.</summary>
    public long CapacityBytes { get; }

    /// <summary>Sample bytes kept now.</summary>
    public long Bytes
    {
        get
        {
            lock (_gate) return _bytes;
        }
    }

    /// <summary>Renderings kept now.</summary>
    public int Count
    {
        get
        {
            lock (_gate) return _done.Count;
        }
    }

    /// <summary>Requests served from a finished rendering, requests that joined one in progress, and syntheses started.</summary>
    public (long Hits, long Joins, long Misses) Statistics
    {
        get
        {
            lock (_gate) return (_hits, _joins, _misses);
        }
    }

    /// <summary>
    /// The finished rendering of <paramref name="request"/> at <paramref name="sampleRate"/>, if kept (counts as a use
    /// for eviction). The samples are shared: never write to them.
    /// </summary>
    public bool TryGet(TtsRequest request, int sampleRate, out ReadOnlyMemory<short> samples)
    {
        var key = TtsCacheKey.For(request, sampleRate);
        lock (_gate)
        {
            if (_done.TryGetValue(key, out var node))
            {
                Touch(node);
                _hits++;
                samples = node.Value.Samples;
                return true;
            }
        }
        samples = default;
        return false;
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ReadOnlyMemory<short>> SynthesizeAsync(TtsRequest request, int sampleRate, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Validate(); // a bad request fails here, for its caller, and never becomes a shared rendering
        var key = TtsCacheKey.For(request, sampleRate);
        Rendering rendering;
        lock (_gate)
        {
            if (_done.TryGetValue(key, out var node))
            {
                Touch(node);
                _hits++;
                rendering = Rendering.Finished(node.Value.Samples);
            }
            else if (_inFlight.TryGetValue(key, out var running))
            {
                _joins++;
                rendering = running;
            }
            else
            {
                _misses++;
                rendering = new Rendering();
                _inFlight.Add(key, rendering);
                _ = RenderAsync(key, request with { Level = 0, Loop = 1 }, rendering);
            }
        }
        await foreach (var chunk in rendering.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return chunk;
        }
    }

    private async Task RenderAsync(TtsCacheKey key, TtsRequest request, Rendering rendering)
    {
        // Never synthesise on the requesting thread (it may be holding up a media tick). espeak-ng synthesises on its own
        // thread and its SynthesizeAsync only queues the work before its first await, so it is started right here: a hop
        // to the thread pool first would cost the prompt's first audio milliseconds on a busy machine.
        if (_inner is not EspeakTextToSpeech) await Task.Yield();
        var limit = CapacityBytes / 4;
        Exception? error = null;
        try
        {
            await foreach (var chunk in _inner.SynthesizeAsync(request, key.SampleRate, CancellationToken.None).ConfigureAwait(false))
            {
                rendering.Append(chunk, limit);
            }
        }
        catch (Exception e)
        {
            error = e;
        }
        lock (_gate)
        {
            _inFlight.Remove(key);
            if (error is null && rendering.Keepable(limit) is { } samples) Keep(key, samples);
        }
        rendering.Complete(error);
    }

    private void Keep(TtsCacheKey key, short[] samples)
    {
        var bytes = (long)samples.Length * sizeof(short);
        while (_bytes + bytes > CapacityBytes && _recency.Last is { } oldest)
        {
            _recency.RemoveLast();
            _done.Remove(oldest.Value.Key);
            _bytes -= (long)oldest.Value.Samples.Length * sizeof(short);
        }
        _done[key] = _recency.AddFirst((key, samples));
        _bytes += bytes;
    }

    private void Touch(LinkedListNode<(TtsCacheKey Key, short[] Samples)> node)
    {
        _recency.Remove(node);
        _recency.AddFirst(node);
    }

    /// <summary>One synthesis that any number of readers stream from, each at its own pace.</summary>
    private sealed class Rendering
    {
        private readonly Lock _gate = new();
        private readonly List<ReadOnlyMemory<short>> _chunks = [];
        private long _samples;
        private bool _tooLarge;
        private bool _completed;
        private Exception? _error;
        // Readers wake on the producer's thread as a chunk is appended (the TCS is completed outside the lock), not after
        // a thread-pool hop; they only hand the chunk on before awaiting again.
        private TaskCompletionSource _changed = new();

        public static Rendering Finished(short[] samples)
        {
            var r = new Rendering();
            r._chunks.Add(samples);
            r._completed = true;
            return r;
        }

        public void Append(ReadOnlyMemory<short> chunk, long limitBytes)
        {
            if (chunk.IsEmpty) return;
            TaskCompletionSource changed;
            lock (_gate)
            {
                // Chunks may be views of the producer's buffers: copy, since they outlive this call.
                _chunks.Add(chunk.ToArray());
                _samples += chunk.Length;
                _tooLarge |= _samples * sizeof(short) > limitBytes;
                changed = _changed;
                _changed = new TaskCompletionSource();
            }
            changed.TrySetResult();
        }

        /// <summary>The whole rendering as one buffer, or null when it is over the per-entry limit.</summary>
        public short[]? Keepable(long limitBytes)
        {
            lock (_gate)
            {
                if (_tooLarge || _samples * sizeof(short) > limitBytes || _samples == 0) return null;
                var all = new short[_samples];
                var at = 0;
                foreach (var chunk in _chunks)
                {
                    chunk.Span.CopyTo(all.AsSpan(at));
                    at += chunk.Length;
                }
                return all;
            }
        }

        public void Complete(Exception? error)
        {
            TaskCompletionSource changed;
            lock (_gate)
            {
                _completed = true;
                _error = error;
                changed = _changed;
            }
            changed.TrySetResult();
        }

        public async IAsyncEnumerable<ReadOnlyMemory<short>> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
        {
            var next = 0;
            while (true)
            {
                var (chunk, wait, ended, error) = Next(next);
                if (error is not null) ExceptionDispatchInfo.Throw(error);
                if (ended) yield break;
                if (wait is not null)
                {
                    await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
                    continue;
                }
                next++;
                yield return chunk;
            }
        }

        /// <summary>Chunk <paramref name="index"/>, or what to wait on, or the end (with the synthesis error if it failed).</summary>
        private (ReadOnlyMemory<short> Chunk, Task? Wait, bool Ended, Exception? Error) Next(int index)
        {
            lock (_gate)
            {
                if (index < _chunks.Count) return (_chunks[index], null, false, null);
                if (_completed) return (default, null, true, _error);
                return (default, _changed.Task, false, null);
            }
        }
    }
}
