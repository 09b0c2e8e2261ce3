namespace Ncco.Media.Asr;

/// <summary>
/// Turns sphinxbase's log off for the whole process before any decoder or model is loaded (idempotent: two pointer
/// stores, safe from any thread).
/// </summary>
/// <remarks>
/// sphinxbase logs through one process-wide <c>FILE</c>. A decoder configured with <c>-logfn</c> replaces it in
/// <c>ps_init</c> (<c>err_set_logfile</c>: open the new file, close the old one) with no lock, while the decoders of other
/// threads keep writing their INFO lines through the old one. With decoders built on several threads at once (a pool's
/// first burst, a decoder rebuilt for dictation or after an idle free, test classes running in parallel) one thread could
/// write to a <c>FILE</c> another had just closed, or two could close the same one. Reproduced in C against Debian's
/// libsphinxbase3 (two threads calling <c>err_set_logfile</c>, two logging through <c>err_msg</c>): within seconds every
/// thread waits forever on glibc's stdio locks, the process idle — the hang seen once in the ASR tests, where a decoding
/// thread that never returns leaves its utterance, and whoever awaits it, waiting for good. With the log disabled
/// (<c>err_set_logfp(NULL)</c> is a store, never a close) and <c>-logfn</c> never passed, there is no <c>FILE</c> left to
/// race on, and with no callback <c>err_msg</c> returns before formatting anything.
/// </remarks>
internal static class SphinxLog
{
    public static void Disable()
    {
        PocketSphinxNative.SetLogFile(0);
        PocketSphinxNative.SetLogCallback(0, 0);
    }

    /// <summary>Whether sphinxbase would write a log line anywhere (false once <see cref="Disable"/> ran and nothing re-enabled it).</summary>
    public static bool Enabled => PocketSphinxNative.GetLogFile() != 0;
}
