using System.Diagnostics.Tracing;
using System.Globalization;

// The runtime looks for a type named StartupHook in the global namespace, so this one file has no namespace.
#pragma warning disable CA1050

/// <summary>
/// Writes one tab-separated line per garbage collection to the file named by <c>NCCO_GC_EVENTS_FILE</c>: when, number,
/// generation, kind, reason, the execution-engine suspension (time to stop every managed thread), the whole pause
/// (suspension start to restart end), the collector's own time, bytes promoted out of gen0 and gen1, the generations'
/// sizes after, pinned objects, heap count (DATAS changes it), and the bytes each kind of root marked (stack, finalizer
/// queue, handles, older generations through the card table). A line per runtime suspension that was not for a GC as well.
/// </summary>
internal static class StartupHook
{
    private static GcListener? listener;

    public static void Initialize()
    {
        var path = Environment.GetEnvironmentVariable("NCCO_GC_EVENTS_FILE");
        if (string.IsNullOrEmpty(path))
        {
            return;
        }

        listener = new GcListener(path.Replace("{pid}", Environment.ProcessId.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal));
    }
}

internal sealed class GcListener : EventListener
{
    private const int GcStart = 1;
    private const int GcEnd = 2;
    private const int RestartEnd = 3;
    private const int HeapStats = 4;
    private const int SuspendEnd = 8;
    private const int SuspendBegin = 9;
    private const int MarkWithType = 202;
    private const int GlobalHistory = 205;

    private readonly StreamWriter writer;
    private readonly object gate = new();
    private readonly long[] marked = new long[16];
    private DateTime suspendBegin;
    private DateTime suspendEnd;
    private int suspendReason;
    private DateTime gcStart;
    private double gcMs;
    private long number;
    private int generation;
    private int reason;
    private int kind;
    private bool inGc;
    private string heapStats = "";
    private string global = "";

    public GcListener(string path)
    {
        writer = new StreamWriter(path, append: false) { AutoFlush = true };
        // Which collector this process runs, so a file names its configuration.
        var settings = Environment.GetEnvironmentVariables().Keys.Cast<string>()
            .Where(k => k.StartsWith("DOTNET_GC", StringComparison.OrdinalIgnoreCase) || k.StartsWith("DOTNET_gc", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal).Select(k => $"{k}={Environment.GetEnvironmentVariable(k)}");
        writer.WriteLine($"# server={System.Runtime.GCSettings.IsServerGC} latency={System.Runtime.GCSettings.LatencyMode} cpus={Environment.ProcessorCount} {string.Join(' ', settings)}");
        // What the collector itself took (an environment variable whose name is misspelt — they are case-sensitive on
        // Linux: GCgen0size but GCGen0MaxBudget — is silently ignored, so the file says what really ran).
        writer.WriteLine($"# collector: {string.Join(' ', GC.GetConfigurationVariables().OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"))}");
        writer.WriteLine("time\tgc\tgen\tkind\treason\tsuspend_reason\tsuspend_ms\tpause_ms\tgc_ms\tpromoted0\tpromoted1\tgen0_size\tgen1_size\tgen2_size\tloh_size\tpoh_size\tpinned\theaps\tpause_mode\tmark_stack\tmark_fq\tmark_handles\tmark_older\tmark_other");
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            // Keyword GC (0x1), informational: start/end, suspension, heap stats, global history, marks by root kind.
            EnableEvents(eventSource, EventLevel.Informational, (EventKeywords)0x1);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        lock (gate)
        {
            switch (e.EventId)
            {
                case SuspendBegin:
                    suspendBegin = e.TimeStamp;
                    suspendReason = Convert.ToInt32(Get(e, "Reason"), CultureInfo.InvariantCulture);
                    break;
                case SuspendEnd:
                    suspendEnd = e.TimeStamp;
                    break;
                case GcStart:
                    gcStart = e.TimeStamp;
                    inGc = true;
                    number = Convert.ToInt64(Get(e, "Count"), CultureInfo.InvariantCulture);
                    generation = Convert.ToInt32(Get(e, "Depth"), CultureInfo.InvariantCulture);
                    reason = Convert.ToInt32(Get(e, "Reason"), CultureInfo.InvariantCulture);
                    kind = Convert.ToInt32(Get(e, "Type"), CultureInfo.InvariantCulture);
                    Array.Clear(marked);
                    heapStats = "";
                    global = "";
                    break;
                case MarkWithType:
                    var type = Convert.ToInt32(Get(e, "Type"), CultureInfo.InvariantCulture);
                    marked[Math.Clamp(type, 0, marked.Length - 1)] += Convert.ToInt64(Get(e, "Bytes"), CultureInfo.InvariantCulture);
                    break;
                case GlobalHistory:
                    global = $"{Get(e, "NumHeaps")}\t{Get(e, "PauseMode")}";
                    break;
                case GcEnd:
                    gcMs = (e.TimeStamp - gcStart).TotalMilliseconds;
                    break;
                case HeapStats:
                    heapStats = string.Join('\t', Get(e, "TotalPromotedSize0"), Get(e, "TotalPromotedSize1"), Get(e, "GenerationSize0"),
                        Get(e, "GenerationSize1"), Get(e, "GenerationSize2"), Get(e, "GenerationSize3"), Get(e, "GenerationSize4"), Get(e, "PinnedObjectCount"));
                    break;
                case RestartEnd:
                    Write(e.TimeStamp);
                    break;
            }
        }
    }

    private void Write(DateTime restarted)
    {
        var pause = (restarted - suspendBegin).TotalMilliseconds;
        var suspend = (suspendEnd - suspendBegin).TotalMilliseconds;
        var ms = (double v) => v.ToString("F3", CultureInfo.InvariantCulture);
        if (!inGc)
        {
            // A suspension with no GC in it (e.g. for the JIT's tiering, a debugger): it stops the media threads too.
            writer.WriteLine($"{restarted:O}\t-\t-\t-\t-\t{suspendReason}\t{ms(suspend)}\t{ms(pause)}\t0\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t");
            return;
        }

        var other = marked.Sum() - marked[0] - marked[1] - marked[2] - marked[3];
        writer.WriteLine($"{restarted:O}\t{number}\t{generation}\t{kind}\t{reason}\t{suspendReason}\t{ms(suspend)}\t{ms(pause)}\t{ms(gcMs)}\t{(heapStats.Length > 0 ? heapStats : "\t\t\t\t\t\t\t")}\t{(global.Length > 0 ? global : "\t")}\t{marked[0]}\t{marked[1]}\t{marked[2]}\t{marked[3]}\t{other}");
        inGc = false;
    }

    private static object? Get(EventWrittenEventArgs e, string name)
    {
        var index = e.PayloadNames?.IndexOf(name) ?? -1;
        return index >= 0 ? e.Payload![index] : null;
    }

    public override void Dispose()
    {
        base.Dispose();
        writer.Dispose();
    }
}
