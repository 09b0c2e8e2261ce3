using Ncco.Media.Native;
using Ncco.Media.Pcm;

namespace Ncco.Host.MediaPlane;

/// <summary>
/// Gives the runtime's garbage-collector threads the media threads' priority, and its tiered-compilation thread nice −10 (<c>Ncco:Media:ThreadPriority</c>, with
/// <c>Ncco:Media:RaiseGcThreads</c>), on Linux. A collection suspends every managed thread until it finishes — the media
/// threads too, whatever their priority — so on a busy machine a collector thread left at normal priority waits for a
/// core behind everything else while every call's audio stands still. The bench measured it (bench/side-by-side/RESULTS.md,
/// 2026-12-07): with the media threads real-time, 95 % of the late ticks at 500 calls spanned a GC pause, and the
/// pauses averaged tens of milliseconds on a loaded machine where the same collections take a few on a quiet one.
/// </summary>
/// <remarks>
/// The threads are found by name in <c>/proc/self/task</c>: the server collector's (<c>.NET Server GC</c>, one per heap)
/// and the background collector's (<c>.NET BGC</c>, started at the first background collection). The runtime may start
/// them late (the background one, or server heaps added as the load grows), so the scan repeats every
/// <see cref="Rescan"/>. A workstation collector's blocking collections run on whichever thread allocated: they have no
/// thread of their own to raise, which is why the server collector (<c>DOTNET_gcServer=1</c>) pairs with this.
/// </remarks>
internal sealed class GcThreadPriority : IDisposable
{
    /// <summary>How often the thread list is scanned again for collector threads the runtime started since.</summary>
    public static readonly TimeSpan Rescan = TimeSpan.FromSeconds(30);

    private readonly MediaThreadPriority _priority;
    private readonly ILogger _logger;
    private readonly ITimer? _timer;
    private int _refusalLogged;

    public GcThreadPriority(MediaThreadPriority priority, TimeProvider time, ILogger logger)
    {
        _priority = priority;
        _logger = logger;
        if (priority == MediaThreadPriority.Normal || !OperatingSystem.IsLinux()) return;
        _timer = time.CreateTimer(_ => Apply(), null, TimeSpan.Zero, Rescan);
    }

    /// <summary>Collector threads raised by the last scan.</summary>
    public int Raised { get; private set; }

    /// <summary>
    /// Whether a thread of that name is the JIT's tiering thread (<c>.NET Tiered Compilation Worker</c>, cut to 15
    /// characters), which replaces the first, slow code of hot methods — the media path's too — with optimized code. Left
    /// at normal priority on a busy machine (or behind real-time media threads) it waits for a core while the media
    /// threads run unoptimized or instrumented code for tens of seconds, at up to twice the CPU. It gets nice −10
    /// (never real-time: its bursts of compilation must not take a core from signalling).
    /// </summary>
    internal static bool IsCompilerThread(string name) => name.StartsWith(".NET Tiered Com", StringComparison.Ordinal);

    /// <summary>Whether a thread of that name (<c>/proc/…/comm</c>, at most 15 characters) is one of the collector's.</summary>
    internal static bool IsCollectorThread(string name) =>
        name.StartsWith(".NET Server GC", StringComparison.Ordinal) || name.StartsWith(".NET BGC", StringComparison.Ordinal);

    private void Apply()
    {
        var raised = 0;
        IEnumerable<string> tasks;
        try
        {
            tasks = Directory.EnumerateDirectories("/proc/self/task");
        }
        catch (IOException)
        {
            return;
        }
        foreach (var task in tasks)
        {
            string name;
            try
            {
                name = File.ReadAllText(Path.Combine(task, "comm")).TrimEnd('\n');
            }
            catch (IOException)
            {
                continue; // the thread ended while we looked
            }
            var compiler = IsCompilerThread(name);
            if ((!compiler && !IsCollectorThread(name)) || !int.TryParse(Path.GetFileName(task), out var tid)) continue;
            if (MediaThreadScheduling.TryApply(tid, compiler ? MediaThreadPriority.High : _priority, out var error)) raised++;
            else if (Interlocked.Exchange(ref _refusalLogged, 1) == 0) _logger.PriorityRefused(name, _priority, error ?? "");
        }
        Raised = raised;
    }

    public void Dispose() => _timer?.Dispose();
}
