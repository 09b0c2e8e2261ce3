using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using System.Globalization;
using Ncco.Testing;

namespace Ncco.Bench;

/// <summary>
/// `first-jit` mode: which methods the first scenario JIT-compiles, grouped by namespace, and how long each group took
/// (the runtime's own JIT events, read in-process with an <see cref="EventListener"/>; no dotnet-trace needed).
/// </summary>
internal static class JitProfile
{
    public static async Task RunAsync(bool aspNet, int top)
    {
        using var listener = new JitListener();
        if (aspNet)
        {
            await using var sim = await VoiceSimulator.StartAsync<Program>();
            listener.Mark("app start");
            await IvrFlows.MenuFlowAsync(sim);
            listener.Mark("first ASP.NET scenario");
        }
        else
        {
            await using (var d = VoiceSimulator.Start(IvrFlows.DelegateIvr())) await IvrFlows.MenuFlowAsync(d);
            listener.Mark("delegate first scenario");
        }
        foreach (var (phase, methods) in listener.Phases)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"== {phase}: {methods.Count} methods"));
            foreach (var g in methods.GroupBy(m => Group(m)).OrderByDescending(g => g.Count()).Take(top))
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {g.Count(),5}  {g.Key}"));
            var sizes = listener.Sizes.Single(p => p.Phase == phase).Methods;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"   native code by group (bytes), {sizes.Sum(s => s.Size):N0} in all:"));
            foreach (var g in sizes.GroupBy(m => Group(m.Method)).OrderByDescending(g => g.Sum(x => x.Size)).Take(top))
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {g.Sum(x => x.Size),8:N0}  {g.Key}"));
            foreach (var m in sizes.OrderByDescending(x => x.Size).Take(top))
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {m.Size,8:N0}  {m.Method}"));
            if (Environment.GetEnvironmentVariable("JIT_LIST") is { Length: > 0 } filter)
                foreach (var m in methods.Where(m => m.Contains(filter, StringComparison.Ordinal))) Console.WriteLine("    " + m);
        }
    }

    /// <summary>
    /// `steady-jit`: which methods are still JIT-compiled after <paramref name="warm"/> calls through the ASP.NET app —
    /// in a steady state that should be none; methods compiled per call (dynamic methods, new instantiations) show here.
    /// </summary>
    public static async Task RunSteadyAsync(int warm, int calls, int top)
    {
        await using var app = await Ncco.Testing.Hosting.InProcessApp.StartAsync<Program>();
        for (var i = 0; i < warm; i++)
        {
            await using var sim = VoiceSimulator.Start(app);
            await IvrFlows.MenuFlowAsync(sim);
        }
        using var listener = new JitListener();
        for (var i = 0; i < calls; i++)
        {
            await using var sim = VoiceSimulator.Start(app);
            await IvrFlows.MenuFlowAsync(sim);
        }
        listener.Mark("steady");
        var methods = listener.Phases[0].Methods;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"== {methods.Count} methods JIT-compiled in {calls} calls after {warm} warm-up calls"));
        foreach (var g in methods.GroupBy(m => m).OrderByDescending(g => g.Count()).Take(top))
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {g.Count(),5}  {g.Key}"));
    }

    private static string Group(string method)
    {
        // "Namespace.Type[generic]::Method": group by namespace, or by the type for our own code.
        var type = method.Split("::")[0];
        var generic = type.IndexOf('[', StringComparison.Ordinal);
        if (generic > 0) type = type[..generic] + "[…]";
        if (type.StartsWith("Ncco.", StringComparison.Ordinal)) return type;
        var parts = type.Split('.');
        return string.Join('.', parts.Take(Math.Min(3, parts.Length - 1)));
    }

    private sealed class JitListener : EventListener
    {
        private readonly ConcurrentQueue<string> _current = new();
        private readonly ConcurrentQueue<(string Method, long Size)> _sizes = new();
        public List<(string Phase, List<string> Methods)> Phases { get; } = [];
        public List<(string Phase, List<(string Method, long Size)> Methods)> Sizes { get; } = [];

        public void Mark(string phase)
        {
            var list = new List<string>();
            while (_current.TryDequeue(out var m)) list.Add(m);
            Phases.Add((phase, list));
            var sizes = new List<(string, long)>();
            while (_sizes.TryDequeue(out var m)) sizes.Add(m);
            Sizes.Add((phase, sizes));
        }

        protected override void OnEventSourceCreated(EventSource eventSource)
        {
            if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
                EnableEvents(eventSource, EventLevel.Verbose, (EventKeywords)0x10); // JIT keyword
        }

        protected override void OnEventWritten(EventWrittenEventArgs e)
        {
            if (e.Payload is null || e.PayloadNames is null) return;
            if (e.EventName?.StartsWith("MethodLoadVerbose", StringComparison.Ordinal) == true)
            {
                var n = e.Payload[e.PayloadNames.IndexOf("MethodNamespace")] as string;
                var m = e.Payload[e.PayloadNames.IndexOf("MethodName")] as string;
                _sizes.Enqueue(($"{n}::{m}", Convert.ToInt64(e.Payload[e.PayloadNames.IndexOf("MethodSize")], CultureInfo.InvariantCulture)));
                return;
            }
            if (e.EventName != "MethodJittingStarted_V1") return;
            var ns = e.Payload[e.PayloadNames.IndexOf("MethodNamespace")] as string;
            var name = e.Payload[e.PayloadNames.IndexOf("MethodName")] as string;
            _current.Enqueue($"{ns}::{name}");
        }
    }
}
