using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Ncco.Media.Native;

namespace Ncco.Media.Tts;

/// <summary>
/// The one thread that drives libespeak-ng in this process. The library keeps global state (its current voice, its
/// output buffer) and is not re-entrant, so syntheses run one at a time on this thread, in the order they were asked for.
/// One long-lived thread instead of a new thread per synthesis saves a thread start (0.5–5 ms on a loaded machine) on
/// every prompt's time to first audio. This is the process-wide state the native library forces on us:
/// nothing else in the assembly is static and mutable.
/// </summary>
internal sealed class EspeakSynthesisThread
{
    private static readonly Lazy<EspeakSynthesisThread> Instance = new(() => new EspeakSynthesisThread(), LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly BlockingCollection<EspeakJob> _jobs = [];

    private EspeakSynthesisThread()
    {
        SampleRate = EspeakNative.Initialize(EspeakNative.OutputSynchronous, BufferMilliseconds, null, EspeakNative.InitializeDontExit);
        if (SampleRate <= 0)
        {
            throw new NativeEngineMissingException("espeak-ng voice data", "espeak-ng-data", $"espeak_Initialize returned {SampleRate}");
        }
        unsafe
        {
            EspeakNative.SetSynthCallback(&EspeakCallback.OnSynth);
        }
        new Thread(Loop) { IsBackground = true, Name = "espeak-ng" }.Start();
    }

    /// <summary>
    /// Audio espeak-ng hands over per callback. espeak-ng fills it in about 0.2 ms (it runs hundreds of times faster
    /// than real time), so a shorter buffer would not bring the first audio measurably earlier, only more callbacks.
    /// </summary>
    public const int BufferMilliseconds = 60;

    /// <summary>The thread, started (and the library initialised) on first use.</summary>
    /// <exception cref="NativeEngineMissingException">espeak-ng's data is missing.</exception>
    public static EspeakSynthesisThread Shared => Instance.Value;

    /// <summary>espeak-ng's native output rate (22050 Hz).</summary>
    public int SampleRate { get; }

    /// <summary>Queues a synthesis; its <see cref="EspeakJob.Completion"/> ends when it has run (or was skipped, aborted).</summary>
    public void Enqueue(EspeakJob job) => _jobs.Add(job);

    private void Loop()
    {
        foreach (var job in _jobs.GetConsumingEnumerable())
        {
            if (job.Session.IsAborted)
            {
                job.Session.Complete(null, flush: false);
                job.Done(null);
                continue;
            }
            try
            {
                Run(job);
                job.Done(null);
            }
            catch (Exception e)
            {
                job.Session.Complete(e, flush: false);
                job.Done(e);
            }
        }
    }

    private void Run(EspeakJob job)
    {
        var voice = job.Voice;
        // The voice is set for every synthesis, even when it is the one loaded: setting it also resets espeak-ng's
        // synthesis state (a prompt after another in the same voice would otherwise start differently), and it costs
        // about 0.3 ms once the voice's files are in memory (see WarmUpAsync).
        if (EspeakNative.SetVoiceByName(voice.EspeakName) != 0 && EspeakNative.SetVoiceByName(voice.Voice) != 0)
        {
            throw new ArgumentException($"language '{voice.Language}' has no espeak-ng voice ('{voice.Voice}')", "Language");
        }
        var handle = GCHandle.Alloc(job.Session);
        try
        {
            int result;
            unsafe
            {
                fixed (byte* p = job.Text)
                {
                    result = EspeakNative.Synth(p, (nuint)job.Text.Length, 0, EspeakNative.PositionCharacter, 0, job.Flags, null, GCHandle.ToIntPtr(handle));
                }
            }
            if (result != 0 && !job.Session.IsAborted)
            {
                throw new InvalidOperationException($"espeak-ng synthesis failed with code {result}");
            }
            job.Session.Complete(null, flush: !job.Session.IsAborted);
        }
        finally
        {
            handle.Free();
        }
    }
}
