using System.Buffers;
using System.Collections.Concurrent;
using Ncco.Media.Native;
using Ncco.Media.Resampling;

namespace Ncco.Media.Asr;

/// <summary>
/// Speech recognition with pocketsphinx (Debian: libpocketsphinx3 + pocketsphinx-en-us). English only (the model
/// Debian ships). With <c>context</c> hints the search is a grammar of the hint phrases (much more accurate for
/// menus, digits and yes/no); without hints it is open dictation with the bundled language model. Audio at 8 kHz is
/// up-sampled to the model's 16 kHz, and the empty 4–8 kHz band is filled with a faint (RMS 250, ≈ −42 dBFS, fed to the recogniser only) high-passed noise
/// floor: the model's filter bank reaches 6.8 kHz and an exactly empty band skews its features (measured: 8 kHz hint
/// accuracy goes from 43 % to 56 % on espeak-ng speech; see bench/ RESULTS.md). Decoders are pooled. <see cref="ISpeechRecognitionStream.Write"/> only buffers (it never blocks the
/// media thread); the utterance is decoded in one pass when it ends, on a thread of its own (as is a decoder's model
/// loading), never on the thread pool.
/// </summary>
public sealed class PocketSphinxRecognizer : ISpeechRecognizer, IDisposable
{
    private readonly PocketSphinxOptions _options;
    private readonly ConcurrentBag<PocketSphinxDecoder> _idle = [];
    private readonly short[]? _bandFill;
    private int _disposed;

    /// <summary>Checks that the libraries and the model are installed.</summary>
    /// <exception cref="NativeEngineMissingException">A library or the model is missing (names the package).</exception>
    public PocketSphinxRecognizer(PocketSphinxOptions? options = null)
    {
        _options = options ?? new PocketSphinxOptions();
        NativeEngines.SphinxBase.EnsureAvailable();
        NativeEngines.PocketSphinx.EnsureAvailable();
        if (!File.Exists(_options.LanguageModel) || !File.Exists(_options.Dictionary) || !Directory.Exists(_options.AcousticModel))
        {
            throw new NativeEngineMissingException("pocketsphinx en-US model", "pocketsphinx-en-us", $"no model in {_options.ModelDirectory}");
        }
        _bandFill = _options.BandFillRms > 0 ? BuildBandFill(_options.BandFillRms) : null;
    }

    /// <inheritdoc />
    public string Name => "pocketsphinx";

    /// <summary>Whether a language can be recognised (English variants only).</summary>
    public static bool Supports(string language) =>
        language.Equals("en", StringComparison.OrdinalIgnoreCase) || language.StartsWith("en-", StringComparison.OrdinalIgnoreCase);

    /// <inheritdoc />
    public async ValueTask<ISpeechRecognitionStream> StartAsync(AsrSettings settings, int sampleRate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (!Supports(settings.Language))
        {
            throw new NotSupportedException($"pocketsphinx has only the English model (pocketsphinx-en-us); language '{settings.Language}' is not available");
        }
        var decoder = _idle.TryTake(out var d) ? d : await OffThePool(() => new PocketSphinxDecoder(_options), cancellationToken).ConfigureAwait(false);
        try
        {
            var grammar = settings.Context is { Count: > 0 } hints ? HintGrammar.Build(hints, decoder.HasWord, out _) : null;
            decoder.UseSearch(grammar);
            decoder.Start();
            return new Stream(this, decoder, sampleRate);
        }
        catch
        {
            decoder.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Runs seconds-long native work (loading a model: 0.5–1.3 s of CPU on a loaded 2-core machine; decoding an
    /// utterance) on a thread of its own. On the thread pool it held a worker long enough to starve the pool: RTP and
    /// WebSocket receive loops, which run there, stalled for most of a second and the calls' audio broke up.
    /// </summary>
    private static Task<T> OffThePool<T>(Func<T> work, CancellationToken cancellationToken) =>
        Task.Factory.StartNew(work, cancellationToken, TaskCreationOptions.LongRunning | TaskCreationOptions.DenyChildAttach, TaskScheduler.Default);

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

    private void Return(PocketSphinxDecoder decoder)
    {
        if (_disposed == 0 && _idle.Count < _options.MaxIdleDecoders)
        {
            _idle.Add(decoder);
        }
        else
        {
            decoder.Dispose();
        }
    }

    /// <summary>Frees pooled decoders.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        while (_idle.TryTake(out var d))
        {
            d.Dispose();
        }
    }

    private sealed class Stream : ISpeechRecognitionStream
    {
        private readonly PocketSphinxRecognizer _owner;
        private readonly PocketSphinxDecoder _decoder;
        private readonly Resampler? _resampler;
        private readonly short[]? _fill;
        private short[] _audio = ArrayPool<short>.Shared.Rent(16000 * 4);
        private int _length;
        private int _fillPosition;
        private bool _finished;
        private bool _returned;

        public Stream(PocketSphinxRecognizer owner, PocketSphinxDecoder decoder, int sampleRate)
        {
            _owner = owner;
            _decoder = decoder;
            _resampler = sampleRate == 16000 ? null : new Resampler(sampleRate, 16000);
            _fill = sampleRate < 16000 ? owner._bandFill : null;
        }

        public void Write(ReadOnlySpan<short> samples)
        {
            if (_finished || samples.IsEmpty)
            {
                return;
            }
            var max = _resampler?.MaxOutputFor(samples.Length) ?? samples.Length;
            if (_length + max > _audio.Length)
            {
                var bigger = ArrayPool<short>.Shared.Rent(Math.Max(_audio.Length * 2, _length + max));
                _audio.AsSpan(0, _length).CopyTo(bigger);
                ArrayPool<short>.Shared.Return(_audio);
                _audio = bigger;
            }
            var target = _audio.AsSpan(_length);
            var n = _resampler is null ? Copy(samples, target) : _resampler.Process(samples, target);
            if (_fill is not null)
            {
                for (var i = 0; i < n; i++)
                {
                    target[i] = Pcm.Pcm16.Saturate(target[i] + _fill[_fillPosition]);
                    _fillPosition = (_fillPosition + 1) % _fill.Length;
                }
            }
            _length += n;
        }

        public async Task<IReadOnlyList<SpeechAlternative>> FinishAsync(CancellationToken cancellationToken)
        {
            _finished = true;
            // The whole utterance is decoded at once (batch cepstral normalisation): results do not depend on what a
            // pooled decoder heard before. The media thread only buffered; decoding runs here, off that thread.
            var best = await OffThePool(() =>
            {
                _decoder.Process(_audio.AsSpan(0, _length), fullUtterance: true);
                return _decoder.End();
            }, cancellationToken).ConfigureAwait(false);
            ReturnDecoder();
            return best is null ? [] : [best];
        }

        public ValueTask DisposeAsync()
        {
            _finished = true;
            if (!_returned)
            {
                try
                {
                    _decoder.End();
                    ReturnDecoder();
                }
                catch (InvalidOperationException)
                {
                    _returned = true;
                    _decoder.Dispose();
                }
            }
            var audio = Interlocked.Exchange(ref _audio, []);
            if (audio.Length > 0)
            {
                ArrayPool<short>.Shared.Return(audio);
            }
            return ValueTask.CompletedTask;
        }

        private static int Copy(ReadOnlySpan<short> source, Span<short> target)
        {
            source.CopyTo(target);
            return source.Length;
        }

        private void ReturnDecoder()
        {
            if (!_returned)
            {
                _returned = true;
                _owner.Return(_decoder);
            }
        }
    }
}
