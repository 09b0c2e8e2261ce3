using System.Buffers;

namespace Ncco.Media.Asr;

/// <summary>
/// A fixed set of decoding threads, each loading one <see cref="PocketSphinxDecoder"/> on its first utterance and keeping it
/// for every utterance after. Utterances wait their turn in one FIFO queue.
/// </summary>
/// <remarks>
/// <para>
/// Why threads of our own, and few: glibc gives each new thread that allocates its own malloc arena, and a decoder's
/// tens of megabytes of model and search tables land in the arena of the thread that built or ran it. Building and running
/// decoders on a fresh long-running thread per utterance spread them over up to 8 arenas per core, none of which shrinks
/// again (measured: ≈ 65 MB of RSS per speech call, never returned). With a fixed set of threads the same few arenas are
/// reused, and pocketsphinx's memory is the decoders' count times one model, whatever the number of calls.
/// </para>
/// <para>
/// pocketsphinx 5prealpha (Debian's libpocketsphinx3) cannot share one loaded acoustic model between decoders: <c>ps_init</c>
/// loads everything for one decoder, <c>ps_reinit</c> reloads into the same one, and <c>ps_retain</c> only counts references.
/// So the model is shared the other way round: every call shares the few decoders, one utterance after another
/// (<c>ps_start_utt</c> resets a decoder's per-utterance state, and batch CMN makes a result independent of what the decoder heard before).
/// Threads start only when an utterance finds every started one busy, up to the configured count.
/// </para>
/// </remarks>
internal sealed class PocketSphinxWorkers : IDisposable
{
    private readonly PocketSphinxOptions _options;
    private readonly TimeProvider _time;
    private readonly Queue<Job> _queue = new();
    private readonly List<Thread> _threads = [];
    // A plain object, not a Lock: the workers wait on it with Monitor.Wait.
    private readonly object _gate = new();
    private int _pending;
    private int _running;
    private int _languageModels;
    private bool _disposed;

    public PocketSphinxWorkers(PocketSphinxOptions options, TimeProvider time)
    {
        _options = options;
        _time = time;
    }

    /// <summary>Decoders that have loaded the language model (only an utterance without hints loads it).</summary>
    public int LanguageModelsLoaded => Volatile.Read(ref _languageModels);

    /// <summary>Threads started so far (never more than <see cref="PocketSphinxOptions.DecoderCount"/>).</summary>
    public int ThreadCount
    {
        get
        {
            lock (_gate)
            {
                return _threads.Count;
            }
        }
    }

    /// <summary>Most utterances that were being decoded at the same time.</summary>
    public int PeakConcurrency { get; private set; }

    /// <summary>Utterances waiting for a decoder now.</summary>
    public int WaitingCount
    {
        get
        {
            lock (_gate)
            {
                return _queue.Count;
            }
        }
    }

    /// <summary>
    /// Queues an utterance. <paramref name="audio"/> (16 kHz, rented from the shared pool) now belongs to the queue, which returns
    /// it to the pool once decoded or dropped.
    /// </summary>
    /// <remarks>
    /// Cancelling <paramref name="cancellationToken"/> while the utterance still waits takes it out of the queue at once:
    /// its audio goes back to the pool and the task is cancelled, so nobody waits for (or holds memory for) a result nobody
    /// will read — an input that ended, a call that hung up. When decoders fall behind, such utterances would otherwise
    /// pile up in the queue, each holding its audio and, through the task's continuations, its whole call. An utterance
    /// already being decoded finishes. An utterance that no decoder took within <see cref="PocketSphinxOptions.MaxDecoderWait"/>
    /// leaves the queue the same way and fails with <see cref="TimeoutException"/>: the caller gets an error result in
    /// bounded time instead of a result for a call that may have moved on, and the queue cannot hold audio for longer.
    /// </remarks>
    /// <exception cref="InvalidOperationException">Too many utterances are waiting already.</exception>
    public Task<SpeechAlternative?> DecodeAsync(short[] audio, int length, IReadOnlyList<string>? hints, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            ArrayPool<short>.Shared.Return(audio);
            return Task.FromCanceled<SpeechAlternative?>(cancellationToken);
        }
        var job = new Job(audio, length, hints, cancellationToken);
        lock (_gate)
        {
            if (_disposed)
            {
                ArrayPool<short>.Shared.Return(audio);
                throw new ObjectDisposedException(nameof(PocketSphinxRecognizer));
            }
            if (_queue.Count >= _options.MaxWaitingUtterances)
            {
                ArrayPool<short>.Shared.Return(audio);
                throw new InvalidOperationException(
                    $"speech recognition is saturated: {_queue.Count} utterances are waiting for {_options.DecoderCount} pocketsphinx decoders");
            }
            _queue.Enqueue(job);
            _pending++;
            if (cancellationToken.CanBeCanceled)
            {
                job.Withdrawal = cancellationToken.UnsafeRegister(static (state, _) =>
                {
                    var (workers, queued) = ((PocketSphinxWorkers, Job))state!;
                    workers.Withdraw(queued);
                }, (this, job));
            }
            if (_options.MaxDecoderWait != Timeout.InfiniteTimeSpan)
            {
                job.Deadline = _time.CreateTimer(static state =>
                {
                    var (workers, queued) = ((PocketSphinxWorkers, Job))state!;
                    workers.Withdraw(queued, new TimeoutException(
                        $"no pocketsphinx decoder was free within {workers._options.MaxDecoderWait.TotalSeconds:0.###} s ({workers._options.DecoderCount} decoders busy, {workers.WaitingCount} utterances waiting)"));
                }, (this, job), _options.MaxDecoderWait, Timeout.InfiniteTimeSpan);
            }
            if (_pending > _threads.Count && _threads.Count < _options.DecoderCount)
            {
                var thread = new Thread(Run) { IsBackground = true, Name = $"pocketsphinx {_threads.Count + 1}" };
                _threads.Add(thread);
                thread.Start();
            }
            else
            {
                Monitor.Pulse(_gate);
            }
        }
        return job.Result.Task;
    }

    private void Run()
    {
        PocketSphinxDecoder? decoder = null;
        try
        {
            while (Next() is { } job)
            {
                try
                {
                    if (job.Cancellation.IsCancellationRequested)
                    {
                        job.Result.TrySetCanceled(job.Cancellation);
                        continue;
                    }
                    decoder ??= new PocketSphinxDecoder(_options);
                    var hadLanguageModel = decoder.HasLanguageModel;
                    var best = Decode(decoder, job);
                    if (!hadLanguageModel && decoder.HasLanguageModel)
                    {
                        Interlocked.Increment(ref _languageModels);
                    }
                    job.Result.TrySetResult(best);
                }
                catch (Exception error)
                {
                    // A decoder that failed midway is not trusted with the next utterance: the next one loads afresh.
                    Free(ref decoder);
                    job.Result.TrySetException(error);
                }
                finally
                {
                    ArrayPool<short>.Shared.Return(job.Audio);
                    lock (_gate)
                    {
                        _pending--;
                        _running--;
                    }
                    // Outside the lock: disposing waits for a withdrawal callback that may be waiting for the lock.
                    job.Withdrawal.Dispose();
                }
            }
        }
        finally
        {
            Free(ref decoder);
        }
    }

    private void Free(ref PocketSphinxDecoder? decoder)
    {
        if (decoder is { HasLanguageModel: true })
        {
            Interlocked.Decrement(ref _languageModels);
        }
        decoder?.Dispose();
        decoder = null;
    }

    private static SpeechAlternative? Decode(PocketSphinxDecoder decoder, Job job)
    {
        Dither(job.Audio.AsSpan(0, job.Length));
        var grammar = job.Hints is { Count: > 0 } hints ? HintGrammar.Build(hints, decoder.HasWord, out _) : null;
        decoder.UseSearch(grammar);
        decoder.Start();
        // The whole utterance at once (batch cepstral normalisation): the result does not depend on earlier utterances.
        decoder.Process(job.Audio.AsSpan(0, job.Length), fullUtterance: true);
        return decoder.End();
    }

    /// <summary>
    /// Adds 1 to a random quarter of the samples, as sphinxbase's own dither does: digital silence (exact zeros) otherwise
    /// skews the features. Seeded afresh for every utterance, so the same audio always gives the same result, whichever
    /// decoder takes it and whatever it decoded before.
    /// </summary>
    private static void Dither(Span<short> samples)
    {
        var random = new Random(4733);
        for (var i = 0; i < samples.Length; i++)
        {
            if (random.Next(4) == 0 && samples[i] < short.MaxValue)
            {
                samples[i]++;
            }
        }
    }

    /// <summary>
    /// Takes a cancelled (<paramref name="failure"/> null) or timed-out utterance out of the queue, if no decoder has taken it yet.
    /// </summary>
    private void Withdraw(Job job, Exception? failure = null)
    {
        lock (_gate)
        {
            if (!_queue.Any(queued => ReferenceEquals(queued, job)))
            {
                return;
            }
            // At most MaxWaitingUtterances entries: rebuilding the queue is cheap, and keeps it a plain FIFO.
            var others = _queue.Where(queued => !ReferenceEquals(queued, job)).ToArray();
            _queue.Clear();
            foreach (var queued in others)
            {
                _queue.Enqueue(queued);
            }
            _pending--;
            ArrayPool<short>.Shared.Return(job.Audio);
            job.Deadline?.Dispose();
        }
        if (failure is null)
        {
            job.Result.TrySetCanceled(job.Cancellation);
        }
        else
        {
            job.Result.TrySetException(failure);
            // The input may still be listening for the end of its call: its cancellation has nothing left to withdraw.
            job.Withdrawal.Dispose();
        }
    }

    private Job? Next()
    {
        lock (_gate)
        {
            while (_queue.Count == 0)
            {
                if (_disposed)
                {
                    return null;
                }
                Monitor.Wait(_gate);
            }
            _running++;
            PeakConcurrency = Math.Max(PeakConcurrency, _running);
            var job = _queue.Dequeue();
            // Taken in time: the deadline only bounds the wait for a decoder, never the decoding itself.
            job.Deadline?.Dispose();
            return job;
        }
    }

    /// <summary>Fails what is still waiting, lets the running utterances finish, and frees the decoders on their threads.</summary>
    public void Dispose()
    {
        List<Thread> threads;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            while (_queue.TryDequeue(out var job))
            {
                _pending--;
                ArrayPool<short>.Shared.Return(job.Audio);
                job.Deadline?.Dispose();
                job.Result.TrySetException(new ObjectDisposedException(nameof(PocketSphinxRecognizer)));
            }
            Monitor.PulseAll(_gate);
            threads = [.. _threads];
        }
        foreach (var thread in threads)
        {
            // An utterance takes well under a second to decode; the bound only guards against a wedged native call.
            thread.Join(TimeSpan.FromSeconds(10));
        }
    }

    private sealed class Job(short[] audio, int length, IReadOnlyList<string>? hints, CancellationToken cancellation)
    {
        public short[] Audio { get; } = audio;

        public int Length { get; } = length;

        public IReadOnlyList<string>? Hints { get; } = hints;

        public CancellationToken Cancellation { get; } = cancellation;

        public TaskCompletionSource<SpeechAlternative?> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Takes the job out of the queue when <see cref="Cancellation"/> fires first.</summary>
        public CancellationTokenRegistration Withdrawal { get; set; }

        /// <summary>Takes the job out of the queue, failed, when no decoder took it within <see cref="PocketSphinxOptions.MaxDecoderWait"/>.</summary>
        public ITimer? Deadline { get; set; }
    }
}
