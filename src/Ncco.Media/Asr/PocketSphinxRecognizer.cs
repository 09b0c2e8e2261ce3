using Ncco.Media.Native;
using Ncco.Media.Resampling;

namespace Ncco.Media.Asr;

/// <summary>
/// Speech recognition with pocketsphinx (Debian: libpocketsphinx3 + pocketsphinx-en-us). English only (the model
/// Debian ships). With <c>context</c> hints the search is a grammar of the hint phrases (much more accurate for
/// menus, digits and yes/no); without hints it is open dictation with the bundled language model. Audio at 8 kHz is
/// up-sampled to the model's 16 kHz, and the empty 4–8 kHz band is filled with a faint (RMS 250, ≈ −42 dBFS, fed to the recogniser only) high-passed noise
/// floor: the model's filter bank reaches 6.8 kHz and an exactly empty band skews its features (measured: 8 kHz hint
/// accuracy goes from 43 % to 56 % on espeak-ng speech; see bench/ RESULTS.md).
/// </summary>
/// <remarks>
/// A call holds no decoder while it listens: <see cref="ISpeechRecognitionStream.Write"/> only buffers (it never blocks the
/// media thread), and the utterance is decoded in one pass when it ends, by one of a fixed set of decoding threads that each
/// keep one decoder (<see cref="PocketSphinxOptions.Decoders"/>; see <see cref="PocketSphinxWorkers"/> for why). So a listening
/// call costs its buffered audio (32 KB per second), the decoders' memory does not grow with calls, and at most that many
/// utterances decode at once; the rest wait their turn in order, up to <see cref="PocketSphinxOptions.MaxWaitingUtterances"/>
/// and for at most <see cref="PocketSphinxOptions.MaxDecoderWait"/>. Only <see cref="PocketSphinxOptions.DictationDecoders"/>
/// of the decoders load the language model, and decoders idle for <see cref="PocketSphinxOptions.IdleDecoderTimeout"/> beyond
/// <see cref="PocketSphinxOptions.IdleDecodersKept"/> are freed and their memory handed back.
/// </remarks>
public sealed class PocketSphinxRecognizer : ISpeechRecognizer, IDisposable
{
    private readonly PocketSphinxOptions _options;
    private readonly PocketSphinxWorkers _workers;
    private readonly DictationDictionary _dictationDictionary;
    private readonly short[]? _bandFill;
    private int _disposed;

    /// <summary>Checks that the libraries and the model are installed.</summary>
    /// <param name="options">Model, decoders and queue bounds (null: the defaults).</param>
    /// <param name="time">The clock of <see cref="PocketSphinxOptions.MaxDecoderWait"/> (null: the system clock).</param>
    /// <exception cref="NativeEngineMissingException">A library or the model is missing (names the package).</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (names it).</exception>
    public PocketSphinxRecognizer(PocketSphinxOptions? options = null, TimeProvider? time = null)
    {
        _options = options ?? new PocketSphinxOptions();
        _options.Validate();
        NativeEngines.SphinxBase.EnsureAvailable();
        NativeEngines.PocketSphinx.EnsureAvailable();
        if (!File.Exists(_options.LanguageModel) || !File.Exists(_options.Dictionary) || !Directory.Exists(_options.AcousticModel))
        {
            throw new NativeEngineMissingException("pocketsphinx en-US model", "pocketsphinx-en-us", $"no model in {_options.ModelDirectory}");
        }
        _bandFill = _options.BandFillRms > 0 ? BuildBandFill(_options.BandFillRms) : null;
        if (_options.IdleDecoderTimeout != Timeout.InfiniteTimeSpan)
        {
            // Idle decoders are freed to give their memory back: make sure glibc can (see NativeHeap).
            NativeHeap.FixTrimThreshold();
        }
        _dictationDictionary = new DictationDictionary(_options);
        _workers = new PocketSphinxWorkers(_options, time ?? TimeProvider.System, _dictationDictionary);
    }

    /// <summary>Decoders freed for being idle so far.</summary>
    internal int IdleDecodersFreed => _workers.IdleDecodersFreed;

    /// <summary>Decoding threads started so far (at most <see cref="PocketSphinxOptions.DecoderCount"/>).</summary>
    internal int DecodingThreads => _workers.ThreadCount;

    /// <summary>Most utterances decoded at the same time so far.</summary>
    internal int PeakConcurrentDecodes => _workers.PeakConcurrency;

    /// <summary>Decoders that have loaded the language model (an utterance without hints loads it into the decoder that takes it).</summary>
    internal int LanguageModelsLoaded => _workers.LanguageModelsLoaded;

    /// <summary>The dictation decoders' dictionary file, once written (null before the first dictation decoder, and after disposal).</summary>
    internal string? DictationDictionaryPath => _dictationDictionary.Written;

    /// <summary>Times the managed heap was compacted after a quiet spell.</summary>
    internal int ManagedCompactions => _workers.ManagedCompactions;

    /// <summary>Utterances waiting for a decoder now.</summary>
    internal int WaitingUtterances => _workers.WaitingCount;

    /// <inheritdoc />
    public string Name => "pocketsphinx";

    /// <summary>Whether a language can be recognised (English variants only).</summary>
    public static bool Supports(string language) =>
        language.Equals("en", StringComparison.OrdinalIgnoreCase) || language.StartsWith("en-", StringComparison.OrdinalIgnoreCase);

    /// <inheritdoc />
    public ValueTask<ISpeechRecognitionStream> StartAsync(AsrSettings settings, int sampleRate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (!Supports(settings.Language))
        {
            throw new NotSupportedException($"pocketsphinx has only the English model (pocketsphinx-en-us); language '{settings.Language}' is not available");
        }
        return ValueTask.FromResult<ISpeechRecognitionStream>(new Stream(this, settings.Context, sampleRate));
    }

    /// <summary>
    /// Gets ready, off the call path, what the decoders would otherwise read from disk during the first calls: the dictation
    /// decoders' dictionary cut to the language model's words (<see cref="DictationDictionary"/>). Writing it reads the
    /// language model for its word list (≈ 0.1 s of CPU, ≈ 32 MB native and a 72,547-word set on the managed heap for the while);
    /// done here, at start-up, that transient lands before the first call instead of on top of the first burst of dictation
    /// calls, and the memory it used is handed back once it is done. A dictation decoder built meanwhile waits for the
    /// file rather than write it a second time. Nothing to do when no decoder gets the cut dictionary
    /// (<see cref="PocketSphinxOptions.LimitDictationVocabulary"/>, one decoder only).
    /// </summary>
    /// <remarks>Never faults for a dictionary that cannot be written: the decoders then use the full one, as they would on first use.</remarks>
    public Task PrepareAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (!_options.LimitsDictationVocabulary)
        {
            return Task.CompletedTask;
        }
        return Task.Run(() =>
        {
            if (_dictationDictionary.Path is null)
            {
                return;
            }
            // The word set and the lines read are garbage now, and the model's tables are freed: give both back rather
            // than carry them as the idle host's memory (measured without the collection: the idle host 12 MB larger).
            // Once per recogniser, in the background, at start-up.
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            NativeHeap.Trim();
        }, cancellationToken);
    }

    /// <summary>Recognises a whole buffer (convenience for tests and batch use).</summary>
    public async Task<IReadOnlyList<SpeechAlternative>> RecognizeAsync(ReadOnlyMemory<short> audio, int sampleRate, AsrSettings settings, CancellationToken cancellationToken)
    {
        await using var stream = await StartAsync(settings, sampleRate, cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < audio.Length; i += sampleRate / 50)
        {
            stream.Write(audio.Span.Slice(i, Math.Min(sampleRate / 50, audio.Length - i)));
        }
        return await stream.FinishAsync(cancellationToken).ConfigureAwait(false);
    }

    private static short[] BuildBandFill(double rms)
    {
        // Deterministic white noise minus its own low-passed copy (the resampler's 3.7 kHz low-pass) = noise above
        // ~4 kHz only, scaled to the configured RMS.
        var rng = new Random(4733);
        var white = new short[16000];
        for (var i = 0; i < white.Length; i++)
        {
            white[i] = (short)rng.Next(-8000, 8001);
        }
        var low = Resampler.Convert(Resampler.Convert(white, 16000, 8000), 8000, 16000);
        var high = new double[white.Length];
        double power = 0;
        for (var i = 0; i < high.Length; i++)
        {
            high[i] = white[i] - (i < low.Length ? low[i] : 0);
            power += high[i] * high[i];
        }
        var scale = rms / Math.Sqrt(power / high.Length);
        var fill = new short[high.Length];
        for (var i = 0; i < fill.Length; i++)
        {
            fill[i] = (short)Math.Round(high[i] * scale);
        }
        return fill;
    }

    /// <summary>Stops the decoding threads (utterances still waiting fail with <see cref="ObjectDisposedException"/>) and frees the decoders.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        _workers.Dispose();
        _dictationDictionary.Dispose();
    }

    private sealed class Stream : ISpeechRecognitionStream
    {
        private readonly PocketSphinxRecognizer _owner;
        private readonly IReadOnlyList<string>? _hints;
        private readonly Resampler? _resampler;
        private readonly short[]? _fill;
        private readonly short[] _resampled;
        private UtteranceAudio? _audio;
        private int _fillPosition;
        private bool _finished;

        public Stream(PocketSphinxRecognizer owner, IReadOnlyList<string>? hints, int sampleRate)
        {
            _owner = owner;
            // No audio memory until speech is written: chunks are taken as it grows.
            _audio = new UtteranceAudio(owner._workers.ChunkPool);
            _hints = hints;
            _resampler = sampleRate == 16000 ? null : new Resampler(sampleRate, 16000);
            _resampled = _resampler is null ? [] : new short[_resampler.MaxOutputFor(ResampleSlice)];
            _fill = sampleRate < 16000 ? owner._bandFill : null;
        }

        /// <summary>Input samples resampled at a time (a pre-roll flush writes seconds at once).</summary>
        private const int ResampleSlice = 1024;

        public void Write(ReadOnlySpan<short> samples)
        {
            if (_finished || samples.IsEmpty || _audio is not { } audio)
            {
                return;
            }
            if (_resampler is null)
            {
                audio.Append(samples);
                return;
            }
            while (!samples.IsEmpty)
            {
                var slice = samples[..Math.Min(ResampleSlice, samples.Length)];
                samples = samples[slice.Length..];
                var target = _resampled.AsSpan();
                var n = _resampler.Process(slice, target);
                if (_fill is not null)
                {
                    for (var i = 0; i < n; i++)
                    {
                        target[i] = Pcm.Pcm16.Saturate(target[i] + _fill[_fillPosition]);
                        _fillPosition = (_fillPosition + 1) % _fill.Length;
                    }
                }
                audio.Append(target[..n]);
            }
        }

        public async Task<IReadOnlyList<SpeechAlternative>> FinishAsync(CancellationToken cancellationToken)
        {
            if (_finished)
            {
                throw new InvalidOperationException("the utterance has already been finished");
            }
            _finished = true;
            // The audio goes to the decoding queue, which returns its chunks to the pool.
            var audio = Interlocked.Exchange(ref _audio, null) ?? throw new ObjectDisposedException(nameof(ISpeechRecognitionStream));
            var best = await _owner._workers.DecodeAsync(audio, _hints, cancellationToken).ConfigureAwait(false);
            return best is null ? [] : [best];
        }

        public ValueTask DisposeAsync()
        {
            _finished = true;
            Interlocked.Exchange(ref _audio, null)?.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
