using System.Buffers;
using System.Runtime.CompilerServices;
using Ncco.Media.Native;

namespace Ncco.Media.Asr;

/// <summary>
/// A bounded set of decoding threads, each loading one decoder on its first utterance and keeping it for every utterance
/// after, until it has been idle for <see cref="PocketSphinxOptions.IdleDecoderTimeout"/>. Utterances wait their turn in one
/// FIFO queue and are handed to a free decoder as it comes free.
/// </summary>
/// <remarks>
/// <para>
/// Why threads of our own, and few: glibc gives each new thread that allocates its own malloc arena, and a decoder's
/// tens of megabytes of model and search tables land in the arena of the thread that built or ran it. Building and running
/// decoders on a fresh long-running thread per utterance spread them over up to 8 arenas per core, none of which shrinks
/// again (measured: ≈ 65 MB of RSS per speech call, never returned). With a bounded set of threads the same few arenas are
/// reused, and pocketsphinx's memory is at most the decoders' count times one model, whatever the number of calls.
/// </para>
/// <para>
/// pocketsphinx 5prealpha (Debian's libpocketsphinx3) cannot share one loaded acoustic model between decoders, and its
/// language model, though it can be handed to several decoders (<c>ps_set_lm</c>), is not safe to score from two at once
/// (sphinxbase's n-gram trie writes a history/back-off cache on every lookup). So the model is shared in time instead:
/// every call shares the few decoders, one utterance after another, and only
/// <see cref="PocketSphinxOptions.DictationDecoderCount"/> of them load the language model: an utterance without hints waits
/// for one of those while the others decode inputs with hints.
/// </para>
/// <para>
/// Idle decoders beyond <see cref="PocketSphinxOptions.IdleDecodersKept"/> are freed once idle for
/// <see cref="PocketSphinxOptions.IdleDecoderTimeout"/>: the thread frees its decoder, ends, and glibc is asked to hand the
/// freed pages back (<see cref="NativeHeap"/>), so RSS goes back down after a busy spell instead of staying at its peak.
/// A decoder that is decoding is never freed; the ones kept are the most recently used.
/// </para>
/// </remarks>
internal sealed class PocketSphinxWorkers : IDisposable
{
    private readonly PocketSphinxOptions _options;
    private readonly TimeProvider _time;
    private readonly Func<bool, IUtteranceDecoder> _newDecoder;
    private readonly bool _limitDictationVocabulary;
    private readonly Action _releaseMemory;
    private readonly Action? _releaseManagedMemory;
    private readonly List<Job> _queue = [];
    // Workers that may decode (an evicted one leaves this list at once, its thread ends on its own).
    private readonly List<Worker> _workers = [];
    // Every decoding thread still running, evicted ones included until they have freed their decoder.
    private readonly List<Thread> _threads = [];
    // A plain object, not a Lock: the workers wait on it with Monitor.Wait.
    private readonly object _gate = new();
    private readonly ITimer? _idleTimer;
    private bool _idleTimerArmed;
    // An utterance was decoded since memory was last handed back: decoding leaves per-utterance buffers in the arenas.
    private bool _trimPending;
    private int _running;
    private int _dictationSlots;
    private int _started;
    private int _freed;
    private int _trims;
    private int _compactions;
    private bool _disposed;

    public PocketSphinxWorkers(PocketSphinxOptions options, TimeProvider time, DictationDictionary dictationDictionary)
        : this(options, time, dictation => new PocketSphinxDecoder(options, dictation ? dictationDictionary.Path : null), () => NativeHeap.Trim(), CompactManagedHeap)
    {
    }

    /// <param name="options">Pool bounds.</param>
    /// <param name="time">The clock of the wait bound and of idle freeing.</param>
    /// <param name="newDecoder">
    /// Builds a decoder (called on the decoding thread that will use it); true: for a decoder that will hold the language
    /// model (given a dictionary of the model's words only, when <see cref="PocketSphinxOptions.LimitDictationVocabulary"/>
    /// applies).
    /// </param>
    /// <param name="releaseMemory">Called on a decoding thread after it freed its idle decoder, to return the memory.</param>
    /// <param name="releaseManagedMemory">
    /// Called once the whole pool has been quiet for <see cref="PocketSphinxOptions.IdleDecoderTimeout"/> after a busy spell
    /// (nothing decoding or waiting), to hand back what the spell's calls grew the managed heap by; null: nothing.
    /// </param>
    internal PocketSphinxWorkers(PocketSphinxOptions options, TimeProvider time, Func<bool, IUtteranceDecoder> newDecoder, Action releaseMemory, Action? releaseManagedMemory = null)
    {
        _releaseManagedMemory = releaseManagedMemory;
        _options = options;
        _time = time;
        _newDecoder = newDecoder;
        _releaseMemory = releaseMemory;
        // Only with a decoder left that never holds the model: an utterance whose hints a limited dictionary lacks goes there.
        _limitDictationVocabulary = options.LimitsDictationVocabulary;
        if (options.IdleDecoderTimeout != Timeout.InfiniteTimeSpan)
        {
            _idleTimer = time.CreateTimer(static state => ((PocketSphinxWorkers)state!).FreeIdleDecoders(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>
    /// Where the contiguous copy of an utterance a decoding thread decodes comes from and goes back to (one per decoding
    /// thread at a time): a pool of the recogniser's own, keeping at most <see cref="PooledAudioBuffersPerSize"/> buffers
    /// of each size (16 s of 16 kHz audio at most; longer ones are not kept). With the shared pool, every buffer of a
    /// burst of N calls stayed pooled (up to 32 per size and core, trimmed only by a few per full collection a minute
    /// apart): ≈ 0.4 MB per call of the peak held after the calls.
    /// </summary>
    public ArrayPool<short> AudioPool { get; } = ArrayPool<short>.Create(1 << 18, PooledAudioBuffersPerSize);

    /// <summary>Most audio buffers of each size kept for reuse (a steady load reuses them; a burst allocates the rest).</summary>
    public const int PooledAudioBuffersPerSize = 8;

    /// <summary>
    /// Where the calls' utterances (<see cref="UtteranceAudio"/>) take their chunks from while they are spoken and wait,
    /// keeping at most <see cref="PooledAudioChunks"/> for reuse (≈ 33 s of audio, 1 MB): a steady load reuses them, a
    /// burst allocates the rest on the small-object heap, where the next collections reclaim them.
    /// </summary>
    public ArrayPool<short> ChunkPool { get; } = ArrayPool<short>.Create(UtteranceAudio.ChunkSamples, PooledAudioChunks);

    /// <summary>Most utterance chunks kept for reuse.</summary>
    public const int PooledAudioChunks = 64;

    /// <summary>Decoders that hold (or are loading) the language model; at most <see cref="PocketSphinxOptions.DictationDecoderCount"/>.</summary>
    public int LanguageModelsLoaded
    {
        get
        {
            lock (_gate)
            {
                return _dictationSlots;
            }
        }
    }

    /// <summary>Decoding threads running now (never more than <see cref="PocketSphinxOptions.DecoderCount"/> that may decode).</summary>
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

    /// <summary>Decoders freed for being idle so far (their threads ended and the memory was handed back).</summary>
    public int IdleDecodersFreed => Volatile.Read(ref _freed);

    /// <summary>Times memory was handed back after a quiet spell with no decoder to free.</summary>
    public int IdleTrims => Volatile.Read(ref _trims);

    /// <summary>Times the managed heap was compacted and handed back after a quiet spell.</summary>
    public int ManagedCompactions => Volatile.Read(ref _compactions);

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
    /// Queues an utterance. <paramref name="audio"/> (16 kHz, its chunks from <see cref="ChunkPool"/>) now belongs to the
    /// queue, which disposes of it (its chunks back to the pool) once decoded or dropped.
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
    public Task<SpeechAlternative?> DecodeAsync(UtteranceAudio audio, IReadOnlyList<string>? hints, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(audio);
        if (cancellationToken.IsCancellationRequested)
        {
            audio.Dispose();
            return Task.FromCanceled<SpeechAlternative?>(cancellationToken);
        }
        var job = new Job(audio, hints, cancellationToken) { Dictation = hints is not { Count: > 0 } };
        lock (_gate)
        {
            if (_disposed)
            {
                audio.Dispose();
                throw new ObjectDisposedException(nameof(PocketSphinxRecognizer));
            }
            if (_queue.Count >= _options.MaxWaitingUtterances)
            {
                audio.Dispose();
                throw new InvalidOperationException(
                    $"speech recognition is saturated: {_queue.Count} utterances are waiting for {_options.DecoderCount} pocketsphinx decoders");
            }
            _queue.Add(job);
            if (cancellationToken.CanBeCanceled)
            {
                job.Withdrawal = cancellationToken.UnsafeRegister(static (state, _) =>
                {
                    var (workers, queued) = ((PocketSphinxWorkers, Job))state!;
                    workers.Withdraw(queued);
                }, (this, job));
                if (job.Result.Task.IsCompleted)
                {
                    // Cancelled after the check above: the registration ran the withdrawal here and then, the job is out
                    // of the queue and its audio back in the pool. Dispatching it would decode it and return the audio twice.
                    return job.Result.Task;
                }
            }
            ArmDeadline(job);
            Dispatch(job);
        }
        return job.Result.Task;
    }

    /// <summary>Hands a queued job to an idle decoder that may take it, or to a new one if the bounds allow. Under the gate.</summary>
    private void Dispatch(Job job)
    {
        Worker? pick = null;
        foreach (var worker in _workers)
        {
            // Dictation prefers a decoder that has the model; hints prefer one without, keeping the model's decoders free.
            if (worker.Job is null && CanTake(worker, job) && (pick is null || (worker.Dictation == job.Dictation && pick.Dictation != job.Dictation)))
            {
                pick = worker;
            }
        }
        if (pick is null && _workers.Count < _options.DecoderCount && (!job.Dictation || _dictationSlots < _options.DictationDecoderCount))
        {
            pick = StartWorker();
        }
        if (pick is null)
        {
            return;
        }
        _queue.Remove(job);
        Assign(pick, job);
    }

    private bool CanTake(Worker worker, Job job) =>
        (!job.Dictation || worker.Dictation || _dictationSlots < _options.DictationDecoderCount)
        && !(job.NeedsFullDictionary && worker.Dictation && _limitDictationVocabulary);

    private Worker StartWorker()
    {
        var worker = new Worker();
        var thread = new Thread(static state =>
        {
            var (workers, me) = ((PocketSphinxWorkers, Worker))state!;
            workers.Run(me);
        })
        { IsBackground = true, Name = $"pocketsphinx {++_started}" };
        _workers.Add(worker);
        _threads.Add(thread);
        thread.Start((this, worker));
        return worker;
    }

    /// <summary>Gives <paramref name="job"/> to <paramref name="worker"/> (reserving a language model for dictation). Under the gate.</summary>
    private void Assign(Worker worker, Job job)
    {
        if (job.Dictation && !worker.Dictation)
        {
            worker.Dictation = true;
            _dictationSlots++;
        }
        worker.Job = job;
        _running++;
        PeakConcurrency = Math.Max(PeakConcurrency, _running);
        // Taken in time: the deadline only bounds the wait for a decoder, never the decoding itself.
        job.Deadline?.Dispose();
        job.Deadline = null;
        Monitor.PulseAll(_gate);
    }

    private void ArmDeadline(Job job)
    {
        if (_options.MaxDecoderWait == Timeout.InfiniteTimeSpan)
        {
            return;
        }
        job.Deadline = _time.CreateTimer(static state =>
        {
            var (workers, queued) = ((PocketSphinxWorkers, Job))state!;
            workers.Withdraw(queued, new TimeoutException(
                $"no pocketsphinx decoder was free within {workers._options.MaxDecoderWait.TotalSeconds:0.###} s ({workers._options.DecoderCount} decoders busy, {workers.WaitingCount} utterances waiting)"));
        }, (this, job), _options.MaxDecoderWait, Timeout.InfiniteTimeSpan);
    }

    private void Run(Worker worker)
    {
        IUtteranceDecoder? decoder = null;
        var builtForDictation = false;
        try
        {
            while (TakeAndDecode(worker, ref decoder, ref builtForDictation))
            {
            }
        }
        finally
        {
            decoder?.Dispose();
            bool evicted;
            lock (_gate)
            {
                _threads.Remove(Thread.CurrentThread);
                evicted = worker.Evicted;
            }
            if (evicted)
            {
                // After the free: glibc hands the decoder's pages back only when asked (see NativeHeap).
                _releaseMemory();
                Interlocked.Increment(ref _freed);
            }
        }
    }

    /// <summary>
    /// Waits for the next job and decodes it (or hands it back); false when the worker is to end. Methods of their own so
    /// that nothing of a job — its hints, its result's continuations, and through them its call — stays on the decoding
    /// thread's stack while it waits for the next one.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool TakeAndDecode(Worker worker, ref IUtteranceDecoder? decoder, ref bool builtForDictation)
    {
        if (Take(worker) is not { } job)
        {
            return false;
        }
        DecodeOne(worker, job, ref decoder, ref builtForDictation);
        return true;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void DecodeOne(Worker worker, Job job, ref IUtteranceDecoder? decoder, ref bool builtForDictation)
    {
        var handedBack = false;
        var cancelled = false;
        SpeechAlternative? best = null;
        Exception? failure = null;
        short[]? contiguous = null;
        try
        {
            if (job.Cancellation.IsCancellationRequested)
            {
                cancelled = true;
                return;
            }
            decoder = Ready(worker, decoder, ref builtForDictation);
            var grammar = decoder.GrammarFor(job.Hints, out var wordsMissing);
            if (wordsMissing && decoder.LimitedVocabulary && !job.Dictation)
            {
                // A decoder with the full dictionary may know them: hints decode the same whichever decoder takes them.
                // (Not once one found none of them usable: the job needs the language model, which is what this decoder has.)
                HandBack(worker, job, needsFullDictionary: true);
                handedBack = true;
                return;
            }
            if (grammar is null)
            {
                if (!ClaimLanguageModel(worker, job))
                {
                    handedBack = true;
                    return;
                }
                // It may have just become a dictation decoder: load it with the dictation dictionary first.
                decoder = Ready(worker, decoder, ref builtForDictation);
            }
            // pocketsphinx takes the utterance in one piece (batch cepstral normalisation): one copy per decoding thread
            // at a time, dithered afresh each time (the same result whichever decoder takes it, even after a hand-back).
            var length = job.Audio.Length;
            contiguous = length == 0 ? [] : AudioPool.Rent(length);
            var samples = contiguous.AsSpan(0, length);
            job.Audio.CopyTo(samples);
            Dither(samples);
            best = decoder.Decode(samples, grammar);
        }
        catch (Exception error)
        {
            // A decoder that failed midway is not trusted with the next utterance: the next one loads afresh.
            decoder?.Dispose();
            decoder = null;
            lock (_gate)
            {
                if (worker.Dictation)
                {
                    worker.Dictation = false;
                    _dictationSlots--;
                }
            }
            failure = error;
        }
        finally
        {
            if (contiguous is { Length: > 0 })
            {
                AudioPool.Return(contiguous);
            }
            if (!handedBack)
            {
                job.Audio.Dispose();
                Finish(worker);
                // Outside the lock: disposing waits for a withdrawal callback that may be waiting for the lock.
                job.Withdrawal.Dispose();
                // Last, so that whoever awaits the result finds the pool's books already closed (decoder free, idle check armed).
                if (cancelled)
                {
                    job.Result.TrySetCanceled(job.Cancellation);
                }
                else if (failure is not null)
                {
                    job.Result.TrySetException(failure);
                }
                else
                {
                    job.Result.TrySetResult(best);
                }
            }
        }
    }

    /// <summary>Waits for the next job given to <paramref name="worker"/>; null when it is to end (evicted, or disposed).</summary>
    private Job? Take(Worker worker)
    {
        lock (_gate)
        {
            while (true)
            {
                if (worker.Job is { } job)
                {
                    return job;
                }
                if (_disposed || worker.Evicted)
                {
                    return null;
                }
                Monitor.Wait(_gate);
            }
        }
    }

    /// <summary>Marks <paramref name="worker"/> free and gives it the first waiting job it may take, if any.</summary>
    private void Finish(Worker worker)
    {
        lock (_gate)
        {
            _running--;
            worker.Job = null;
            worker.LastUsed = _time.GetUtcNow();
            _trimPending = true;
            if (_disposed)
            {
                return;
            }
            AssignNextOrIdle(worker);
        }
    }

    /// <summary>
    /// An utterance with hints the dictionary does not know needs the language model after all: takes a model slot for
    /// <paramref name="worker"/> if one is left, else hands the utterance back to the head of the queue, marked as
    /// dictation, for a decoder that has the model, and looks for other work.
    /// </summary>
    private bool ClaimLanguageModel(Worker worker, Job job)
    {
        lock (_gate)
        {
            job.Dictation = true;
            // The n-gram search holds only the language model's words: the limited dictionary has all of them.
            job.NeedsFullDictionary = false;
            if (worker.Dictation)
            {
                return true;
            }
            if (_dictationSlots < _options.DictationDecoderCount)
            {
                worker.Dictation = true;
                _dictationSlots++;
                return true;
            }
            HandBackUnderGate(worker, job);
            return false;
        }
    }

    /// <summary>
    /// Puts <paramref name="job"/> back at the head of the queue for another decoder (<paramref name="needsFullDictionary"/>:
    /// one without a limited dictionary) and looks for other work for <paramref name="worker"/>.
    /// </summary>
    private void HandBack(Worker worker, Job job, bool needsFullDictionary)
    {
        lock (_gate)
        {
            job.NeedsFullDictionary = needsFullDictionary;
            HandBackUnderGate(worker, job);
        }
    }

    /// <summary>Under the gate: see <see cref="HandBack"/>.</summary>
    private void HandBackUnderGate(Worker worker, Job job)
    {
        _running--;
        worker.Job = null;
        worker.LastUsed = _time.GetUtcNow();
        _queue.Insert(0, job);
        ArmDeadline(job);
        Dispatch(job);
        AssignNextOrIdle(worker);
    }

    /// <summary>Under the gate: gives <paramref name="worker"/> the first queued utterance it can take, else lets it go idle.</summary>
    private void AssignNextOrIdle(Worker worker)
    {
        foreach (var queued in _queue)
        {
            if (CanTake(worker, queued))
            {
                _queue.Remove(queued);
                Assign(worker, queued);
                return;
            }
        }
        ArmIdleTimer();
    }

    /// <summary>
    /// The worker's decoder, built (or rebuilt) for its role: a dictation decoder gets the language model's dictionary
    /// (<see cref="DictationDictionary"/>) when <see cref="_limitDictationVocabulary"/>, any other the full one.
    /// </summary>
    private IUtteranceDecoder Ready(Worker worker, IUtteranceDecoder? decoder, ref bool builtForDictation)
    {
        bool dictation;
        lock (_gate)
        {
            dictation = worker.Dictation && _limitDictationVocabulary;
        }
        if (decoder is not null && builtForDictation == dictation)
        {
            return decoder;
        }
        // A grammar decoder that now takes dictation: ≈ 28 MB freed, and the smaller dictionary saves ≈ 13 MB of the next 91.
        decoder?.Dispose();
        decoder = null;
        builtForDictation = dictation;
        return _newDecoder(dictation);
    }

    /// <summary>Arms the idle check, unless armed, if there are more decoders than are kept or memory to hand back. Under the gate.</summary>
    private void ArmIdleTimer()
    {
        if (_idleTimer is null || _idleTimerArmed || (_workers.Count <= _options.IdleDecodersKept && !_trimPending))
        {
            return;
        }
        _idleTimerArmed = true;
        _idleTimer.Change(_options.IdleDecoderTimeout, Timeout.InfiniteTimeSpan);
    }

    /// <summary>
    /// Frees decoders idle for <see cref="PocketSphinxOptions.IdleDecoderTimeout"/>, least recently used first, keeping
    /// <see cref="PocketSphinxOptions.IdleDecodersKept"/> (busy ones count as kept and are never freed); re-arms for the next due.
    /// When the whole pool has been idle that long and none is left to free, hands back what decoding left in the arenas
    /// (lattices, feature buffers of long utterances) once per busy spell.
    /// </summary>
    private void FreeIdleDecoders()
    {
        var trim = false;
        var compact = false;
        lock (_gate)
        {
            _idleTimerArmed = false;
            if (_disposed)
            {
                return;
            }
            var now = _time.GetUtcNow();
            var excess = _workers.Count - _options.IdleDecodersKept;
            var evicted = 0;
            TimeSpan? nextDue = null;
            foreach (var worker in _workers.Where(w => w.Job is null).OrderBy(w => w.LastUsed).ToList())
            {
                if (excess <= 0)
                {
                    break;
                }
                var idleFor = now - worker.LastUsed;
                if (idleFor < _options.IdleDecoderTimeout)
                {
                    nextDue = _options.IdleDecoderTimeout - idleFor;
                    break;
                }
                worker.Evicted = true;
                _workers.Remove(worker);
                if (worker.Dictation)
                {
                    _dictationSlots--;
                }
                excess--;
                evicted++;
            }
            if (evicted > 0)
            {
                // The evicted threads hand the memory back once they have freed their decoders.
                compact = _trimPending && _running == 0 && _queue.Count == 0;
                _trimPending = false;
                Monitor.PulseAll(_gate);
            }
            else if (_trimPending && nextDue is null && _running == 0)
            {
                var quietFor = _workers.Count == 0 ? _options.IdleDecoderTimeout : now - _workers.Max(w => w.LastUsed);
                if (quietFor >= _options.IdleDecoderTimeout)
                {
                    _trimPending = false;
                    trim = true;
                    compact = _queue.Count == 0;
                }
                else
                {
                    nextDue = _options.IdleDecoderTimeout - quietFor;
                }
            }
            if (nextDue is { } due && _idleTimer is not null)
            {
                _idleTimerArmed = true;
                _idleTimer.Change(due, Timeout.InfiniteTimeSpan);
            }
            // Otherwise the next decoder to finish its utterance arms the check again (ArmIdleTimer).
        }
        if (compact && _releaseManagedMemory is not null)
        {
            _releaseManagedMemory();
            Interlocked.Increment(ref _compactions);
        }
        if (trim)
        {
            _releaseMemory();
            Interlocked.Increment(ref _trims);
        }
    }

    /// <summary>
    /// A full, compacting collection that gives the heap's free space back to the operating system
    /// (<see cref="GCCollectionMode.Aggressive"/>). Without it, the GC heap a burst of calls grew stays committed while the
    /// host is quiet: the collector only runs when something allocates, and then keeps its budget for the next burst.
    /// Once per quiet spell (nothing decoded or waiting for the idle timeout), so its pause (milliseconds for a heap of tens
    /// of megabytes) never lands in the middle of a busy spell of speech.
    /// </summary>
    private static void CompactManagedHeap() =>
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);

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
            // At most MaxWaitingUtterances entries.
            if (!_queue.Remove(job))
            {
                return;
            }
            job.Audio.Dispose();
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
            foreach (var job in _queue)
            {
                job.Audio.Dispose();
                job.Deadline?.Dispose();
                job.Result.TrySetException(new ObjectDisposedException(nameof(PocketSphinxRecognizer)));
            }
            _queue.Clear();
            _idleTimer?.Dispose();
            Monitor.PulseAll(_gate);
            threads = [.. _threads];
        }
        foreach (var thread in threads)
        {
            // An utterance takes well under a second to decode; the bound only guards against a wedged native call.
            thread.Join(TimeSpan.FromSeconds(10));
        }
    }

    /// <summary>One decoding thread's state, read and written under the gate.</summary>
    private sealed class Worker
    {
        /// <summary>The utterance given to it (null: idle).</summary>
        public Job? Job { get; set; }

        /// <summary>Holds one of the language-model slots (its decoder has or is loading the model).</summary>
        public bool Dictation { get; set; }

        /// <summary>When it last finished an utterance.</summary>
        public DateTimeOffset LastUsed { get; set; }

        /// <summary>Freed for idleness: its thread frees the decoder and ends.</summary>
        public bool Evicted { get; set; }
    }

    private sealed class Job(UtteranceAudio audio, IReadOnlyList<string>? hints, CancellationToken cancellation)
    {
        public UtteranceAudio Audio { get; } = audio;

        public IReadOnlyList<string>? Hints { get; } = hints;

        public CancellationToken Cancellation { get; } = cancellation;

        /// <summary>Needs the language model: no hints, or (found by a decoder) none the dictionary knows.</summary>
        public bool Dictation { get; set; }

        /// <summary>Hints a decoder with the language model's dictionary lacked: for a decoder with the full dictionary.</summary>
        public bool NeedsFullDictionary { get; set; }

        public TaskCompletionSource<SpeechAlternative?> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Takes the job out of the queue when <see cref="Cancellation"/> fires first.</summary>
        public CancellationTokenRegistration Withdrawal { get; set; }

        /// <summary>Takes the job out of the queue, failed, when no decoder took it within <see cref="PocketSphinxOptions.MaxDecoderWait"/>.</summary>
        public ITimer? Deadline { get; set; }
    }
}
