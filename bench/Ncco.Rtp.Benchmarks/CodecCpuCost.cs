using System.Diagnostics;
using Ncco.Rtp.Codecs;

namespace Ncco.Rtp.Benchmarks;

/// <summary>
/// CPU time (not wall time) one call's codec work costs per second of call: 50 encodes and 50 decodes of 20 ms, each
/// codec in turn on one thread, over a bounded number of call-seconds of a signal generated beforehand (codec work only).
/// CPU time is what capacity planning needs and, unlike BenchmarkDotNet's wall-clock means, it hardly moves when other
/// processes load the machine.
/// Usage: <c>dotnet run -c Release --project bench/Ncco.Rtp.Benchmarks -- --cpu [seconds]</c>.
/// </summary>
internal static class CodecCpuCost
{
    public static void Run(int seconds)
    {
        Console.WriteLine($"codec CPU per call-second (encode + decode of 50 frames of 20 ms), {seconds} call-seconds each, thread CPU time");
        double? g722 = null;
        foreach (var name in new[] { "PCMU", "G722", "opus", "G722", "opus" })
        {
            var encoder = AudioCodecs.Create(name)!;
            var decoder = AudioCodecs.Create(name)!;
            // Speech-like: two harmonics with a wandering pitch and noise, so the encoders do real work. Generated before
            // the clock starts (10 s, cycled): the sines cost as much as G.711 itself and twice as much at 16 kHz,
            // so they would inflate a wideband row and make "row minus the PCMU row" overstate a codec's own cost.
            const int SignalFrames = 500;
            var frameLength = encoder.SamplesPerFrame;
            var signal = new short[SignalFrames * frameLength];
            var random = new Random(11);
            for (var i = 0; i < signal.Length; i++)
            {
                var t = (double)i / encoder.SampleRate;
                var pitch = 140 + (40 * Math.Sin(2 * Math.PI * 0.7 * t));
                signal[i] = (short)((5000 * Math.Sin(2 * Math.PI * pitch * t)) + (2500 * Math.Sin(2 * Math.PI * 3.1 * pitch * t)) + (600 * (random.NextDouble() - 0.5)));
            }
            var packet = new byte[1500];
            var decoded = new short[decoder.MaxSamplesFor(packet.Length)];
            var gcBefore = GC.GetAllocatedBytesForCurrentThread();
            var gen0Before = GC.CollectionCount(0);
            var pauseBefore = GC.GetTotalPauseDuration();
            var before = Process.GetCurrentProcess().TotalProcessorTime;
            var wall = Stopwatch.StartNew();
            for (var f = 0; f < seconds * 50; f++)
            {
                var length = encoder.Encode(signal.AsSpan(f % SignalFrames * frameLength, frameLength), packet);
                decoder.Decode(packet.AsSpan(0, length), decoded);
            }
            var cpu = (Process.GetCurrentProcess().TotalProcessorTime - before).TotalMilliseconds / seconds;
            var allocated = (GC.GetAllocatedBytesForCurrentThread() - gcBefore) / (double)seconds;
            // What the garbage costs: gen-0 collections and the time the GC paused the process, per call-second.
            var gen0 = (GC.CollectionCount(0) - gen0Before) / (double)seconds;
            var pause = (GC.GetTotalPauseDuration() - pauseBefore).TotalMilliseconds / seconds;
            if (name == "G722") g722 = cpu;
            var ratio = name == "opus" && g722 is { } g ? $" ({cpu / g:F1}× G.722)" : "";
            Console.WriteLine($"{name,-5} {cpu,8:F2} ms CPU per call-second = {cpu / 10:F2} % of a core{ratio}; wall {wall.Elapsed.TotalMilliseconds / seconds:F2} ms; allocated {allocated / 1e6:F2} MB per call-second ({gen0:F2} gen-0 GCs, {pause:F3} ms GC pause)");
        }
    }
}
