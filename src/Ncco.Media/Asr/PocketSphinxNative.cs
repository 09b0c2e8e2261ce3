using System.Runtime.InteropServices;

namespace Ncco.Media.Asr;

/// <summary>P/Invoke declarations for pocketsphinx 5prealpha (libpocketsphinx3) and sphinxbase (libsphinxbase3).</summary>
internal static unsafe partial class PocketSphinxNative
{
    private const string Ps = "libpocketsphinx.so.3";
    private const string Sb = "libsphinxbase.so.3";

    /// <summary><c>err_set_logfp(file)</c>: NULL disables the log (a store; unlike <c>err_set_logfile</c> it closes nothing).</summary>
    [LibraryImport(Sb, EntryPoint = "err_set_logfp")]
    public static partial void SetLogFile(nint file);

    /// <summary><c>err_get_logfp()</c>: where log lines go (NULL when disabled, stderr by default).</summary>
    [LibraryImport(Sb, EntryPoint = "err_get_logfp")]
    public static partial nint GetLogFile();

    /// <summary><c>err_set_callback(callback, userData)</c>: NULL makes every log call return at once.</summary>
    [LibraryImport(Sb, EntryPoint = "err_set_callback")]
    public static partial void SetLogCallback(nint callback, nint userData);

    [LibraryImport(Ps, EntryPoint = "ps_args")]
    public static partial nint Args();

    [LibraryImport(Sb, EntryPoint = "cmd_ln_parse_r")]
    public static partial nint ParseArgs(nint existing, nint definitions, int argc, nint* argv, int strict);

    [LibraryImport(Sb, EntryPoint = "cmd_ln_free_r")]
    public static partial int FreeArgs(nint config);

    [LibraryImport(Ps, EntryPoint = "ps_init")]
    public static partial nint Init(nint config);

    [LibraryImport(Ps, EntryPoint = "ps_free")]
    public static partial int Free(nint decoder);

    [LibraryImport(Ps, EntryPoint = "ps_set_jsgf_string", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int SetJsgfString(nint decoder, string name, string jsgf);

    [LibraryImport(Ps, EntryPoint = "ps_set_lm_file", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int SetLanguageModelFile(nint decoder, string name, string path);

    [LibraryImport(Ps, EntryPoint = "ps_set_search", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int SetSearch(nint decoder, string name);

    [LibraryImport(Ps, EntryPoint = "ps_get_search")]
    public static partial nint GetSearch(nint decoder);

    [LibraryImport(Ps, EntryPoint = "ps_lookup_word", StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint LookupWord(nint decoder, string word);

    [LibraryImport(Ps, EntryPoint = "ps_start_stream")]
    public static partial int StartStream(nint decoder);

    [LibraryImport(Ps, EntryPoint = "ps_start_utt")]
    public static partial int StartUtterance(nint decoder);

    [LibraryImport(Ps, EntryPoint = "ps_process_raw")]
    public static partial int ProcessRaw(nint decoder, short* data, nuint samples, int noSearch, int fullUtterance);

    [LibraryImport(Ps, EntryPoint = "ps_end_utt")]
    public static partial int EndUtterance(nint decoder);

    [LibraryImport(Ps, EntryPoint = "ps_get_hyp")]
    public static partial nint GetHypothesis(nint decoder, out int bestScore);

    [LibraryImport(Ps, EntryPoint = "ps_get_prob")]
    public static partial int GetProbability(nint decoder);

    [LibraryImport(Ps, EntryPoint = "ps_get_logmath")]
    public static partial nint GetLogMath(nint decoder);

    [LibraryImport(Sb, EntryPoint = "logmath_exp")]
    public static partial double LogMathExp(nint logmath, int value);

    [LibraryImport(Sb, EntryPoint = "logmath_init")]
    public static partial nint LogMathInit(double logBase, int shift, int useTable);

    [LibraryImport(Sb, EntryPoint = "logmath_free")]
    public static partial int LogMathFree(nint logmath);

    /// <summary><c>ngram_model_read(config, path, NGRAM_AUTO, logmath)</c>.</summary>
    [LibraryImport(Sb, EntryPoint = "ngram_model_read", StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint NgramModelRead(nint config, string path, int fileType, nint logmath);

    [LibraryImport(Sb, EntryPoint = "ngram_model_free")]
    public static partial int NgramModelFree(nint model);

    /// <summary>The model's n-gram counts, unigrams first (an array owned by the model).</summary>
    [LibraryImport(Sb, EntryPoint = "ngram_model_get_counts")]
    public static partial uint* NgramModelCounts(nint model);

    /// <summary>The word with id <paramref name="wordId"/> (a string owned by the model).</summary>
    [LibraryImport(Sb, EntryPoint = "ngram_word")]
    public static partial nint NgramWord(nint model, int wordId);
}
