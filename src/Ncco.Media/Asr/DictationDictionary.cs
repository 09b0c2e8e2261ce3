using System.Runtime.InteropServices;
using System.Text;

namespace Ncco.Media.Asr;

/// <summary>
/// The pronunciation dictionary of the decoders that hold the language model: the full dictionary cut to the words the
/// language model knows (Debian's en-US: 79,420 of 134,723 entries, the 72,547 words of <c>en-us.lm.bin</c> and their
/// alternative pronunciations). Written once per recogniser to a private temporary file (pocketsphinx reads a
/// dictionary only from a file) when the recogniser is prepared (<see cref="PocketSphinxRecognizer.PrepareAsync"/>, the
/// host does it at start-up) or else the first time a dictation decoder is built, and deleted with the recogniser.
/// </summary>
/// <remarks>
/// Why: open dictation searches only words the language model has (the n-gram search leaves every other dictionary word
/// out of its lexicon tree), so the other 55,000 entries cost a dictation decoder ≈ 8 MB in the dictionary and ≈ 5 MB in
/// the search's per-word tables for nothing. Measured with pocketsphinx alone (ps_init + ps_set_lm_file, then ten
/// espeak-ng sentences decoded): 98.5 → 84.7 MB, the same ten hypotheses. A decoder with this dictionary still decodes
/// grammars whose words it has; an utterance whose hints name a word it lacks goes to a decoder with the full dictionary
/// (<see cref="PocketSphinxWorkers"/>), so hints are decoded the same whichever decoder takes them.
/// </remarks>
internal sealed class DictationDictionary : IDisposable
{
    private const int NgramAuto = 0;
    private readonly PocketSphinxOptions _options;
    private readonly Lock _gate = new();
    private string? _path;
    private bool _failed;
    private bool _disposed;

    public DictationDictionary(PocketSphinxOptions options) => _options = options;

    /// <summary>
    /// The cut dictionary's path, written on the first call (on the calling thread, which reads the language model for its
    /// words: ≈ 0.1 s of CPU and ≈ 32 MB for the while); null when it cannot be written (the decoders then use the full dictionary).
    /// </summary>
    public string? Path
    {
        get
        {
            lock (_gate)
            {
                if (_path is not null || _failed || _disposed)
                {
                    return _path;
                }
                try
                {
                    _path = Write(_options.LanguageModel, _options.Dictionary);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
                {
                    // No temporary directory to write to, or a model pocketsphinx cannot read: the full dictionary works, only larger.
                    _failed = true;
                }
                return _path;
            }
        }
    }

    /// <summary>The file if written and not yet deleted (does not write it).</summary>
    public string? Written
    {
        get
        {
            lock (_gate)
            {
                return _path;
            }
        }
    }

    /// <summary>Entries of <paramref name="dictionary"/> whose word (without its <c>(2)</c> variant mark) <paramref name="languageModel"/> has.</summary>
    internal static string Write(string languageModel, string dictionary)
    {
        var words = LanguageModelWords(languageModel);
        // GetTempFileName creates a new file only this user can read (0600): nobody can swap another file in under it.
        var path = System.IO.Path.GetTempFileName();
        try
        {
            var known = words.GetAlternateLookup<ReadOnlySpan<char>>();
            using var output = new StreamWriter(path, append: false, new UTF8Encoding(false));
            foreach (var line in File.ReadLines(dictionary))
            {
                var end = line.IndexOfAny([' ', '\t']);
                if (end <= 0)
                {
                    continue;
                }
                var word = line.AsSpan(0, end);
                if (word[^1] == ')' && word.LastIndexOf('(') is var open and > 0)
                {
                    word = word[..open];
                }
                if (known.Contains(word))
                {
                    output.WriteLine(line);
                }
            }
            return path;
        }
        catch
        {
            File.Delete(path);
            throw;
        }
    }

    /// <summary>Every word of a language model pocketsphinx can read (unigrams, including &lt;s&gt; and &lt;/s&gt;).</summary>
    internal static unsafe HashSet<string> LanguageModelWords(string languageModel)
    {
        SphinxLog.Disable();
        var logMath = PocketSphinxNative.LogMathInit(1.0001, 0, 0);
        if (logMath == 0)
        {
            throw new InvalidOperationException("sphinxbase could not set up its log tables");
        }
        try
        {
            var model = PocketSphinxNative.NgramModelRead(0, languageModel, NgramAuto, logMath);
            if (model == 0)
            {
                throw new InvalidOperationException($"sphinxbase could not read the language model {languageModel}");
            }
            try
            {
                var count = (int)PocketSphinxNative.NgramModelCounts(model)[0];
                var words = new HashSet<string>(count, StringComparer.Ordinal);
                for (var id = 0; id < count; id++)
                {
                    if (Marshal.PtrToStringUTF8(PocketSphinxNative.NgramWord(model, id)) is { } word)
                    {
                        words.Add(word);
                    }
                }
                return words;
            }
            finally
            {
                PocketSphinxNative.NgramModelFree(model);
            }
        }
        finally
        {
            PocketSphinxNative.LogMathFree(logMath);
        }
    }

    /// <summary>Deletes the file (decoders already built keep what they read from it).</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            if (_path is not null)
            {
                try
                {
                    File.Delete(_path);
                }
                catch (IOException)
                {
                    // Best effort: a temporary file.
                }
                _path = null;
            }
        }
    }
}
