using System.Net;
using System.Net.Sockets;
using Ncco.Media.Native;
using Ncco.Media.Pcm;
using Ncco.Rtp.Ports;
using Ncco.Rtp.Sessions;

// Usage: Ncco.PacedSendBench MODE LEAD_MS STREAMS SECONDS SINK_PORT RTP_FIRST SURVIVORS
//   MODE direct: each tick's packets are sent by the media thread after it built them (the host without a pacer);
//   MODE paced: each is queued in the kernel for its tick's deadline + LEAD_MS (the host's PacedSender; its thread
//   SCHED_FIFO, Ncco:Media:PacerPriority=Realtime, the default);
//   MODE paced-high: the same with the sender's thread at nice −10 (PacerPriority=High: the sender before pacing-v2).
// A media thread like the host's (MediaClock, catch-up of up to 5 frames) sends STREAMS G.711 streams to SINK_PORT on
// loopback, while a churn thread replaces SURVIVORS live small objects every 200 ms, so the gen0 collections copy a lot
// and pause every managed thread (the media thread included) for tens of ms — as call setup does in the host.
var mode = args[0];
var lead = TimeSpan.FromMilliseconds(int.Parse(args[1]));
var streams = int.Parse(args[2]);
var seconds = int.Parse(args[3]);
var sinkPort = int.Parse(args[4]);
var rtpFirst = int.Parse(args[5]);
var survivors = int.Parse(args[6]);

using var sink = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
sink.Bind(new IPEndPoint(IPAddress.Loopback, sinkPort)); // never read: tcpdump sees each packet as it is sent

PacedSender? pacer = null;
if (mode is "paced" or "paced-high")
{
    pacer = PacedSender.TryCreate(lead, 1 << 16, mode == "paced" ? MediaThreadPriority.Realtime : MediaThreadPriority.High, out var failure) ?? throw new InvalidOperationException(failure);
}
var ports = new RtpPortAllocator(new RtpPortRange(rtpFirst, rtpFirst + (streams * 2) + 1), IPAddress.Loopback);
var sessions = new RtpSession[streams];
for (var i = 0; i < streams; i++)
{
    sessions[i] = new RtpSession(ports.Allocate(), new RtpSessionOptions { Codec = "PCMU", RemoteRtp = new IPEndPoint(IPAddress.Loopback, sinkPort), DeferSend = true, Pacer = pacer, Latching = false });
}

using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
long late = 0;
var media = new Thread(() =>
{
    MediaThreadScheduling.TryApply(MediaThreadPriority.High, out _);
    var frame = new short[160];
    var clock = new MediaClock(TimeProvider.System);
    var n = 0;
    while (!stop.IsCancellationRequested)
    {
        var frames = clock.WaitForNextTick(stop.Token);
        if (frames == 0) break;
        if (frames > 1) late += frames - 1;
        var run = Math.Min(frames, 5);
        var monotonicNow = PacedSender.Now();
        var clockNow = clock.Elapsed;
        for (var f = 0; f < run; f++)
        {
            if (pacer is not null)
            {
                var tick = clock.NextDeadline - (PcmFormat.FrameDuration * (run - f));
                pacer.FrameDeadline = monotonicNow + ((tick - clockNow).Ticks * 100) + pacer.LeadNanoseconds;
            }
            frame.AsSpan().Fill((short)(n++ * 37));
            foreach (var s in sessions) s.WriteFrame(frame);
        }
        foreach (var s in sessions) s.FlushSend();
        pacer?.Submit();
    }
}) { IsBackground = true, Name = "bench-media" };

var churn = new Thread(() =>
{
    // Bursts, not a busy loop: every 200 ms SURVIVORS fresh objects replace the live ones, so the collections that
    // burst triggers copy most of what they find (long pauses) while the thread costs little CPU between them.
    var live = new object[survivors];
    while (!stop.IsCancellationRequested)
    {
        for (var i = 0; i < survivors; i++) live[i] = new byte[48];
        stop.Token.WaitHandle.WaitOne(200);
    }
    GC.KeepAlive(live);
}) { IsBackground = true, Name = "bench-churn" };

var pausedBefore = GC.GetTotalPauseDuration();
var gcsBefore = GC.CollectionCount(0);
media.Start();
churn.Start();
media.Join();
churn.Join();
var paused = GC.GetTotalPauseDuration() - pausedBefore;
foreach (var s in sessions) await s.DisposeAsync();
Console.WriteLine($"mode={mode} lead_ms={lead.TotalMilliseconds} streams={streams} seconds={seconds} gcs={GC.CollectionCount(0) - gcsBefore} gc_pause_ms={paused.TotalMilliseconds:F0} late_ticks={late} paced_sent={pacer?.Sent ?? 0} paced_immediate={pacer?.SentImmediately ?? 0} paced_failed={pacer?.Failed ?? 0} pacer_priority={pacer?.EffectivePriority.ToString() ?? "none"}");
pacer?.Dispose();
