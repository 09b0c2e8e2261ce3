using System.Runtime.InteropServices;

namespace Ncco.Media.Native;

/// <summary>
/// Hands freed native memory (pocketsphinx decoders' tens of megabytes) back to the operating system on glibc; a no-op
/// elsewhere (musl, macOS, Windows have no <c>malloc_trim</c>/<c>mallopt</c> or do not need them).
/// </summary>
/// <remarks>
/// glibc keeps freed memory in its arenas. <c>malloc_trim(0)</c> releases the free pages of every arena, except the top
/// of a thread's arena, which glibc only gives back from <c>free</c> once it exceeds the trim threshold — and glibc raises
/// that threshold (up to 64 MB) each time a large block is freed, so a decoder freed on its decoding thread stayed in RSS
/// (measured: 2 decoders with the language model freed on their threads, 50 MB still held after <c>malloc_trim</c>).
/// Fixing the threshold (<c>M_TRIM_THRESHOLD</c>, which also stops the dynamic raise of the mmap threshold) makes the
/// release complete (same test: back to the start figure). An operator's own <c>MALLOC_*</c> tuning environment variables
/// are left alone.
/// </remarks>
internal static partial class NativeHeap
{
    private const int TrimThresholdOption = -1; // M_TRIM_THRESHOLD in glibc's malloc.h
    private const int TrimThresholdBytes = 1024 * 1024;

    private static readonly string[] OperatorTuning =
        ["MALLOC_TRIM_THRESHOLD_", "MALLOC_MMAP_THRESHOLD_", "MALLOC_TOP_PAD_", "MALLOC_MMAP_MAX_", "GLIBC_TUNABLES"];

    /// <summary>
    /// Fixes glibc's trim threshold at 1 MB so that freed decoders can be returned; does nothing when the operator tunes
    /// malloc through the environment, or off glibc. Idempotent.
    /// </summary>
    public static void FixTrimThreshold()
    {
        if (!OperatingSystem.IsLinux() || OperatorTuning.Any(name => Environment.GetEnvironmentVariable(name) is not null))
        {
            return;
        }
        try
        {
            _ = MallOpt(TrimThresholdOption, TrimThresholdBytes);
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            // Not glibc: nothing to fix.
        }
    }

    /// <summary>Returns the free pages of every glibc arena to the operating system (<c>malloc_trim(0)</c>).</summary>
    /// <returns>Whether the C library has <c>malloc_trim</c> (false off glibc).</returns>
    public static bool Trim()
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }
        try
        {
            _ = MallocTrim(0);
            return true;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "malloc_trim")]
    private static partial int MallocTrim(nuint pad);

    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int MallOpt(int option, int value);
}
