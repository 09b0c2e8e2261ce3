using Ncco.Media.Pcm;

namespace Ncco.Host.Configuration;

/// <summary>Settings of the media thread (<c>Ncco:Media</c>).</summary>
public sealed class MediaOptions
{
    /// <summary>The largest <see cref="Workers"/> value accepted.</summary>
    public const int MaxWorkers = 64;

    /// <summary>The largest <see cref="TtsCacheMegabytes"/> value accepted.</summary>
    public const int MaxTtsCacheMegabytes = 16384;

    /// <summary>
    /// Threads each 20 ms media tick is spread over, whole conversations per thread. Default 0: one per processor,
    /// at most 8. 1 runs every leg on the one media thread. 0–64.
    /// </summary>
    public int Workers { get; set; }

    /// <summary>
    /// Memory kept for rendered text-to-speech prompts, in MiB (text + voice + rate → audio, least recently used
    /// dropped first; a prompt played again, by the same call or another, is not synthesised again). Default 64
    /// (about 35 minutes of 16 kHz audio). 0 turns the cache off. 0–16384.
    /// </summary>
    public int TtsCacheMegabytes { get; set; } = 64;

    /// <summary>
    /// Text-to-speech languages warmed at start, comma-separated BCP-47 codes (optionally <c>code/style</c>, e.g.
    /// <c>en-US, en-GB/3</c>). Warming reads each voice's files into memory, compiles the synthesis path and designs
    /// the resampling filter, so the first prompt of the first call starts as fast as any later one (a cold espeak-ng
    /// takes about 100 ms for its first prompt; a warm one under a millisecond). Default <c>en-US</c>, the NCCO default
    /// language; empty warms nothing. A code espeak-ng has no voice for is logged at start and otherwise ignored.
    /// </summary>
    public string TtsWarmVoices { get; set; } = "en-US";

    /// <summary>The <see cref="TtsWarmVoices"/> as (language, style) pairs.</summary>
    /// <exception cref="InvalidOperationException">An entry is not <c>code</c> or <c>code/style</c>.</exception>
    public IReadOnlyList<(string Language, int Style)> ParseTtsWarmVoices()
    {
        var voices = new List<(string, int)>();
        foreach (var entry in (TtsWarmVoices ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = entry.Split('/', StringSplitOptions.TrimEntries);
            var style = 0;
            if (parts.Length > 2 || parts[0].Length is 0 or > 35 || parts[0].Any(c => !char.IsAsciiLetterOrDigit(c) && c != '-')
                || (parts.Length == 2 && (!int.TryParse(parts[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out style) || style > 1000)))
                throw new InvalidOperationException($"Ncco:Media:TtsWarmVoices entry '{entry}' is not a language code or code/style (e.g. en-US or en-GB/3)");
            voices.Add((parts[0], style));
        }
        return voices;
    }

    /// <summary>
    /// How the media threads ask Linux to schedule them: <c>High</c> (default: nice −10, so a due 20 ms tick preempts
    /// builds and other services instead of queueing behind them on a busy machine), <c>Realtime</c> (SCHED_RR, like
    /// <c>asterisk -p</c>) or <c>Normal</c>. Raising needs CAP_SYS_NICE; without it the host logs a warning once and
    /// the threads run at normal priority. Only the media threads are raised, never the process.
    /// </summary>
    public MediaThreadPriority ThreadPriority { get; set; } = MediaThreadPriority.High;

    /// <summary>
    /// With <see cref="ThreadPriority"/> <c>Realtime</c>: the share of each 20 ms frame (percent) a media thread works
    /// under SCHED_RR before it drops to nice −10 for the rest of that tick's building; it takes SCHED_RR back to send
    /// the tick's packets and to sleep, so every tick still starts on time. This bounds what the media threads take from
    /// SIP signalling, webhooks and anything else on the machine, which a real-time thread otherwise always preempts.
    /// Default 50 (each media thread at most half a core ahead of everything else; ticks beyond it count in
    /// <c>ncco_media_realtime_budget_exhausted_total</c>). 100 keeps the whole tick real-time. 1–100.
    /// </summary>
    public int RealtimeBudgetPercent { get; set; } = 50;

    /// <summary>
    /// Give the runtime's garbage-collector threads (server collector, background collector) the media threads'
    /// <see cref="ThreadPriority"/> too. Default true: a collection stops the media threads until it ends, so a collector
    /// left at normal priority on a busy machine stalls every call's audio for as long as it waits for a core. The JIT's
    /// tiering thread gets nice −10 with it (never real-time): it replaces the media path's first, slow code with
    /// optimized code, and starved it left the media threads in instrumented code at up to twice the CPU. Has no
    /// effect with <c>Normal</c> priority or off Linux.
    /// </summary>
    public bool RaiseGcThreads { get; set; } = true;

    /// <summary>
    /// SIP legs' RTP goes through libc's <c>sendto</c>/<c>recvfrom</c> on each socket's descriptor (Linux): one
    /// non-blocking system call per packet, no exception for a refused send, and the media thread's read of one waiting
    /// packet costs two calls instead of three (<c>RtpSessionOptions.DirectSocketCalls</c>). Default true;
    /// false uses .NET's <c>Socket</c> methods (the behaviour is the same, the cost higher: bench/Ncco.Rtp.Benchmarks).
    /// Has no effect off Linux.
    /// </summary>
    public bool DirectSocketCalls { get; set; } = true;

    /// <summary>
    /// Detect DTMF tones in the audio a <c>websocket</c> application sends and report them as that leg's keys. Default
    /// false, as on Vonage: keys come from callers (tones or RFC 4733 on their legs) and reach the application as
    /// <c>websocket:dtmf</c>; what the application plays is audio for the others to hear, tones included. True brings back
    /// key detection on application audio (an application standing in for a caller, e.g. in tests), at ≈ 2.5 µs per
    /// 20 ms frame per leg.
    /// </summary>
    public bool WebSocketKeyTones { get; set; }

    /// <summary>The largest <see cref="SendDelayMilliseconds"/> value accepted (most of a 20 ms frame).</summary>
    public const int MaxSendDelayMilliseconds = 15;

    /// <summary>
    /// How long after each 20 ms tick the media thread sends the RTP packets it built in that tick, all in one tight
    /// loop, so every stream's packets leave exactly 20 ms apart whatever building them cost (commands, new calls, a
    /// worker thread waking late): the building has this long to finish, and a tick that overruns sends late
    /// (<c>ncco.media.sends_late</c>). The delay adds to the latency of what callers hear. Default 0: each packet is
    /// sent as soon as it is built. Opt-in because the bench has not shown a gain yet: on the loaded 2-core machine
    /// (load 60–85) 5 ms made no measurable difference and building 500 legs overran it in most ticks
    /// (bench/side-by-side/RESULTS.md); try 5 on a host with cores to spare. 0–15.
    /// </summary>
    public int SendDelayMilliseconds { get; set; }

    /// <summary>
    /// Kernel-timed RTP sending (Linux io_uring): each packet is handed to the kernel with the instant it must leave and
    /// the kernel sends it then, even while a .NET garbage collection has stopped every managed thread (the media thread
    /// included), so a pause shorter than <see cref="SendLeadMilliseconds"/> moves no packet. Default
    /// <see cref="PacedSendMode.Auto"/>: on where io_uring is available and the sender's thread is granted SCHED_FIFO
    /// (<see cref="PacerPriority"/> <c>Realtime</c>: root, <c>CAP_SYS_NICE</c> or <c>RLIMIT_RTPRIO</c>) — the only
    /// configuration in which it met the media-timing aims (bench/side-by-side/RESULTS.md) — and off otherwise, said once
    /// in the log (event 3009). <see cref="PacedSendMode.On"/> (or <c>true</c>) uses it wherever io_uring is available,
    /// whatever priority the thread gets; <see cref="PacedSendMode.Off"/> (or <c>false</c>) sends as each tick flushes.
    /// Where io_uring is unavailable (another OS, an old kernel, a container whose seccomp profile refuses
    /// <c>io_uring_setup</c>) packets are sent as each tick flushes them. <see cref="SendDelayMilliseconds"/> is not used
    /// while this is on.
    /// </summary>
    public PacedSendMode PacedSend { get; set; } = PacedSendMode.Auto;

    /// <summary>
    /// With <see cref="PacedSend"/>: the scheduling of the sender's thread (<c>ncco-rtp-pacer</c>), which sends each
    /// packet when its instant has come — so every packet's departure is that thread's wake-up latency. Default
    /// <c>Realtime</c>: SCHED_FIFO (one real-time priority above <see cref="ThreadPriority"/> <c>Realtime</c>'s media
    /// threads), woken at once whatever else runs; its work per wake-up is bounded (sending built packets). Refused (no
    /// CAP_SYS_NICE or RLIMIT_RTPRIO), it falls back to nice −10, then normal, and logs it once (event 3008). <c>High</c>
    /// (nice −10) was the only choice before and put 1.7 ms more jitter p95 on every stream at 500 calls
    /// (bench/side-by-side/RESULTS.md).
    /// </summary>
    public MediaThreadPriority PacerPriority { get; set; } = MediaThreadPriority.Realtime;

    /// <summary>The largest <see cref="SendLeadMilliseconds"/> value accepted.</summary>
    public const int MaxSendLeadMilliseconds = 200;

    /// <summary>
    /// With <see cref="PacedSend"/>: how far ahead of its 20 ms instant each RTP frame is built and queued in the kernel.
    /// A GC pause up to this long leaves every stream's timing untouched; the price is this much more latency on every
    /// RTP leg's outbound audio (prompts, recordings, bridged and conference audio alike: one stream cannot change its
    /// lead without a gap or a burst). Default 40. 0–200 (0 still batches a tick's sends into one system call).
    /// </summary>
    public int SendLeadMilliseconds { get; set; } = 40;

    /// <summary>
    /// Speech inputs: recognition results below this confidence (0–1) count as nothing said, so noise, a breath or a
    /// cough that the recogniser turns into a word at a tiny confidence ends the input with <c>start_timeout</c> (as on
    /// Vonage when nothing is said) instead of a made-up result. Default 0.1 (measured: espeak-ng words and phrases
    /// score above it through pocketsphinx, noise's words far below). 0 keeps every result.
    /// </summary>
    public double SpeechMinConfidence { get; set; } = Ncco.Media.Asr.AsrSettings.DefaultMinConfidence;

    /// <summary>
    /// pocketsphinx decoders (speech inputs), each on a thread of its own, built once and reused utterance after utterance;
    /// a listening call holds none and only buffers its utterance, which one of them decodes when the utterance ends. A
    /// decoder costs ≈ 28 MB of RSS, ≈ 91 MB once it has decoded an input without <c>context</c> hints (the language
    /// model). Default 0: one per processor, at most 4. 0–64.
    /// </summary>
    public int SpeechDecoders { get; set; }

    /// <summary>
    /// Utterances that may wait for a free decoder (first come, first served); one more ends its input with an error.
    /// A waiting utterance costs its audio, 32 KB per second. Default 256. 1–100000.
    /// </summary>
    public int SpeechQueueLimit { get; set; } = 256;

    /// <summary>
    /// Seconds an utterance may wait for a free decoder before its input ends with an error (the speech result's
    /// <c>error</c>), so a caller is never left waiting without bound when every decoder is busy. Default 30 (a slow,
    /// overloaded machine still answers). 0.1–600.
    /// </summary>
    public double SpeechQueueTimeoutSeconds { get; set; } = 30;

    /// <summary>
    /// Decoders that may load the language model for speech inputs without <c>context</c> hints (open dictation), ≈ 63 MB
    /// each on top of a decoder's ≈ 28 MB; dictation utterances wait for one of them while the other decoders decode inputs
    /// with hints. Default 0: half of <see cref="SpeechDecoders"/>, rounded up. 0–64.
    /// </summary>
    public int SpeechDictationDecoders { get; set; }

    /// <summary>
    /// Seconds a decoder may sit idle before it is freed and its memory handed back to the operating system (keeping
    /// <see cref="SpeechDecodersKeptIdle"/>), so RSS comes back down after a busy spell. Default 30. 0 keeps every decoder
    /// once loaded. 0–86400.
    /// </summary>
    public double SpeechDecoderIdleSeconds { get; set; } = 30;

    /// <summary>
    /// Decoders kept loaded however long they are idle (the most recently used), so the first speech input after a quiet
    /// spell does not wait for a decoder to load (≈ 0.3–1.3 s). Default 1. 0–64.
    /// </summary>
    public int SpeechDecodersKeptIdle { get; set; } = 1;

    /// <summary>The worker count to use: <see cref="Workers"/>, or for 0 the processor count capped at 8.</summary>
    public int EffectiveWorkers => Workers > 0 ? Workers : Math.Clamp(Environment.ProcessorCount, 1, 8);

    /// <summary>Checks the settings; throws <see cref="InvalidOperationException"/> naming the bad one.</summary>
    public void Validate()
    {
        if (Workers is < 0 or > MaxWorkers)
            throw new InvalidOperationException($"Ncco:Media:Workers is {Workers}: must be 0 (one per processor) to {MaxWorkers}");
        if (TtsCacheMegabytes is < 0 or > MaxTtsCacheMegabytes)
            throw new InvalidOperationException($"Ncco:Media:TtsCacheMegabytes is {TtsCacheMegabytes}: must be 0 (no cache) to {MaxTtsCacheMegabytes}");
        ParseTtsWarmVoices();
        if (SpeechMinConfidence is < 0 or > 1 || double.IsNaN(SpeechMinConfidence))
            throw new InvalidOperationException($"Ncco:Media:SpeechMinConfidence is {SpeechMinConfidence}: must be 0 (keep every result) to 1");
        if (SendDelayMilliseconds is < 0 or > MaxSendDelayMilliseconds)
            throw new InvalidOperationException($"Ncco:Media:SendDelayMilliseconds is {SendDelayMilliseconds}: must be 0 (send as built) to {MaxSendDelayMilliseconds}");
        if (SendLeadMilliseconds is < 0 or > MaxSendLeadMilliseconds)
            throw new InvalidOperationException($"Ncco:Media:SendLeadMilliseconds is {SendLeadMilliseconds}: must be 0 (send at each tick's deadline) to {MaxSendLeadMilliseconds}");
        if (RealtimeBudgetPercent is < 1 or > 100)
            throw new InvalidOperationException($"Ncco:Media:RealtimeBudgetPercent is {RealtimeBudgetPercent}: must be 1 to 100 (percent of a 20 ms frame)");
        if (SpeechDecoders is < 0 or > 64)
            throw new InvalidOperationException($"Ncco:Media:SpeechDecoders is {SpeechDecoders}: must be 0 (one per processor, at most 4) to 64");
        if (SpeechQueueLimit is < 1 or > 100_000)
            throw new InvalidOperationException($"Ncco:Media:SpeechQueueLimit is {SpeechQueueLimit}: must be 1 to 100000");
        if (!(SpeechQueueTimeoutSeconds is >= 0.1 and <= 600))
            throw new InvalidOperationException($"Ncco:Media:SpeechQueueTimeoutSeconds is {SpeechQueueTimeoutSeconds}: must be 0.1 to 600");
        if (SpeechDictationDecoders is < 0 or > 64)
            throw new InvalidOperationException($"Ncco:Media:SpeechDictationDecoders is {SpeechDictationDecoders}: must be 0 (half the decoders, rounded up) to 64");
        if (!(SpeechDecoderIdleSeconds is >= 0 and <= 86_400))
            throw new InvalidOperationException($"Ncco:Media:SpeechDecoderIdleSeconds is {SpeechDecoderIdleSeconds}: must be 0 (keep decoders) to 86400");
        if (SpeechDecodersKeptIdle is < 0 or > 64)
            throw new InvalidOperationException($"Ncco:Media:SpeechDecodersKeptIdle is {SpeechDecodersKeptIdle}: must be 0 to 64");
        if (!Enum.IsDefined(ThreadPriority))
            throw new InvalidOperationException($"Ncco:Media:ThreadPriority is {ThreadPriority}: must be Normal, High or Realtime");
        if (!Enum.IsDefined(PacedSend))
            throw new InvalidOperationException($"Ncco:Media:PacedSend is {PacedSend}: must be Auto, On (true) or Off (false)");
        if (!Enum.IsDefined(PacerPriority))
            throw new InvalidOperationException($"Ncco:Media:PacerPriority is {PacerPriority}: must be Normal, High or Realtime");
    }
}
