using System.Runtime.InteropServices;
using Ncco.Media.Native;

namespace Ncco.Media.Asr;

/// <summary>One native pocketsphinx decoder (not thread-safe; used by one utterance at a time).</summary>
/// <remarks>
/// The language model is loaded on the decoder's first open-dictation utterance, not with the decoder: it and the
/// n-gram search built over it are ≈ 63 of a decoder's ≈ 91 MB (measured with <c>ps_init</c> alone: 91.2 MB with
/// <c>-lm</c>, 27.8 MB without), and an input with <c>context</c> hints decodes with its grammar only. A decoder that
/// loaded the model keeps it for every later utterance, so each decoder pays it at most once.
/// </remarks>
internal sealed class PocketSphinxDecoder : IUtteranceDecoder
{
    public const string DefaultSearch = "_default";
    public const string HintSearch = "hints";
    private readonly string _languageModel;
    private nint _config;
    private nint _decoder;
    private string? _loadedGrammar;

    /// <param name="options">The model.</param>
    /// <param name="dictionary">A dictionary cut to the language model's words (<see cref="DictationDictionary"/>) for a
    /// decoder that will hold the language model; null: the model's full dictionary.</param>
    public PocketSphinxDecoder(PocketSphinxOptions options, string? dictionary = null)
    {
        SphinxLog.Disable();
        _languageModel = options.LanguageModel;
        LimitedVocabulary = dictionary is not null;
        string[] args =
        [
            "-hmm", options.AcousticModel,
            "-dict", dictionary ?? options.Dictionary,
            "-samprate", "16000",
            // No -logfn: ps_init would swap sphinxbase's process-wide log file under other threads' decoders (SphinxLog).
            // No dither here: sphinxbase's dither draws from one process-wide generator seeded once, so a result would depend
            // on what every decoder in the process decoded before. PocketSphinxWorkers dithers each utterance itself instead.
            "-dither", "no",
        ];
        var ptrs = new nint[args.Length];
        try
        {
            for (var i = 0; i < args.Length; i++)
            {
                ptrs[i] = Marshal.StringToCoTaskMemUTF8(args[i]);
            }
            unsafe
            {
                fixed (nint* argv = ptrs)
                {
                    _config = PocketSphinxNative.ParseArgs(0, PocketSphinxNative.Args(), args.Length, argv, 1);
                }
            }
        }
        finally
        {
            foreach (var p in ptrs)
            {
                Marshal.FreeCoTaskMem(p);
            }
        }
        if (_config == 0)
        {
            throw new InvalidOperationException("pocketsphinx rejected its configuration");
        }
        _decoder = PocketSphinxNative.Init(_config);
        if (_decoder == 0)
        {
            PocketSphinxNative.FreeArgs(_config);
            throw new NativeEngineMissingException("pocketsphinx en-US model", "pocketsphinx-en-us", $"cannot load the model from {options.ModelDirectory}");
        }
    }

    public nint Handle => _decoder;

    /// <inheritdoc />
    public bool LimitedVocabulary { get; }

    /// <inheritdoc />
    public string? GrammarFor(IReadOnlyList<string>? hints, out bool wordsMissing)
    {
        if (hints is not { Count: > 0 })
        {
            wordsMissing = false;
            return null;
        }
        var grammar = HintGrammar.Build(hints, HasWord, out var dropped);
        // A phrase with no words at all is left out by every decoder alike.
        wordsMissing = dropped.Any(phrase => HintGrammar.Words(phrase).Count > 0);
        return grammar;
    }

    /// <inheritdoc />
    public SpeechAlternative? Decode(ReadOnlySpan<short> audio, string? grammar)
    {
        UseSearch(grammar);
        Start();
        // The whole utterance at once (batch cepstral normalisation): the result does not depend on earlier utterances.
        Process(audio, fullUtterance: true);
        return End();
    }

    public bool HasWord(string word) => PocketSphinxNative.LookupWord(_decoder, word) != 0;

    /// <summary>Whether this decoder has loaded the language model (it did once it decoded an utterance without hints).</summary>
    public bool HasLanguageModel { get; private set; }

    /// <summary>Selects the open-vocabulary LM (loaded the first time), or a grammar (re-loaded only when it changed).</summary>
    public void UseSearch(string? jsgf)
    {
        if (jsgf is null)
        {
            if (!HasLanguageModel)
            {
                // The same search ps_init builds for -lm (ngram_search_init over this decoder's acoustic model and dictionary).
                Check(PocketSphinxNative.SetLanguageModelFile(_decoder, DefaultSearch, _languageModel), "load the language model");
                HasLanguageModel = true;
            }
            Check(PocketSphinxNative.SetSearch(_decoder, DefaultSearch), "select the language model");
            return;
        }
        if (jsgf != _loadedGrammar)
        {
            Check(PocketSphinxNative.SetJsgfString(_decoder, HintSearch, jsgf), "load the hint grammar");
            _loadedGrammar = jsgf;
        }
        Check(PocketSphinxNative.SetSearch(_decoder, HintSearch), "select the hint grammar");
    }

    /// <summary>
    /// Starts an utterance as the start of a new stream: pocketsphinx keeps channel estimates (the noise level its noise
    /// removal and voice detection use) from one utterance to the next within a stream, so without the reset a pooled
    /// decoder's result depended on whose call it decoded before (measured: "sales" heard as "operator no" after "cancel").
    /// </summary>
    public void Start()
    {
        Check(PocketSphinxNative.StartStream(_decoder), "start a stream");
        Check(PocketSphinxNative.StartUtterance(_decoder), "start an utterance");
    }

    /// <summary>Decodes audio; <paramref name="fullUtterance"/> = the whole utterance at once (batch CMN, deterministic).</summary>
    public unsafe void Process(ReadOnlySpan<short> samples, bool fullUtterance)
    {
        fixed (short* p = samples)
        {
            if (PocketSphinxNative.ProcessRaw(_decoder, p, (nuint)samples.Length, 0, fullUtterance ? 1 : 0) < 0)
            {
                throw new InvalidOperationException("pocketsphinx failed to process audio");
            }
        }
    }

    public SpeechAlternative? End()
    {
        Check(PocketSphinxNative.EndUtterance(_decoder), "end the utterance");
        var hyp = Marshal.PtrToStringUTF8(PocketSphinxNative.GetHypothesis(_decoder, out _));
        if (string.IsNullOrWhiteSpace(hyp))
        {
            return null;
        }
        var prob = PocketSphinxNative.GetProbability(_decoder);
        var confidence = Math.Clamp(PocketSphinxNative.LogMathExp(PocketSphinxNative.GetLogMath(_decoder), prob), 0, 1);
        return new SpeechAlternative(hyp.Trim(), confidence);
    }

    private static void Check(int result, string what)
    {
        if (result < 0)
        {
            throw new InvalidOperationException($"pocketsphinx could not {what}");
        }
    }

    public void Dispose()
    {
        if (_decoder != 0)
        {
            PocketSphinxNative.Free(_decoder);
            _decoder = 0;
        }
        if (_config != 0)
        {
            PocketSphinxNative.FreeArgs(_config);
            _config = 0;
        }
    }
}
