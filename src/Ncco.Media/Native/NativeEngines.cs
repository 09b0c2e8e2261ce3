namespace Ncco.Media.Native;

/// <summary>
/// The native libraries the media engine loads, the Debian packages that provide them, and a startup probe the host
/// can log (so a missing engine is reported when the process starts, not deep inside a call).
/// </summary>
public static class NativeEngines
{
    /// <summary>libsndfile (MP3/OGG/FLAC/WAV variants).</summary>
    public static readonly NativeEngine SoundFile = new("libsndfile", "libsndfile.so.1", "libsndfile1");

    /// <summary>espeak-ng (text-to-speech).</summary>
    public static readonly NativeEngine Espeak = new("espeak-ng", "libespeak-ng.so.1", "libespeak-ng1");

    /// <summary>pocketsphinx (speech recognition).</summary>
    public static readonly NativeEngine PocketSphinx = new("pocketsphinx", "libpocketsphinx.so.3", "libpocketsphinx3");

    /// <summary>sphinxbase (pocketsphinx's support library).</summary>
    public static readonly NativeEngine SphinxBase = new("sphinxbase", "libsphinxbase.so.3", "libsphinxbase3");

    /// <summary>All engines.</summary>
    public static IReadOnlyList<NativeEngine> All { get; } = [SoundFile, Espeak, PocketSphinx, SphinxBase];

    /// <summary>Returns one human-readable problem per engine that cannot be loaded (empty when all are present).</summary>
    public static IReadOnlyList<string> Probe()
    {
        var problems = new List<string>();
        foreach (var e in All)
        {
            if (!e.IsAvailable)
            {
                problems.Add(new NativeEngineMissingException(e.Name, e.DebianPackage, $"cannot load {e.LibraryName}").Message);
            }
        }
        return problems;
    }
}
