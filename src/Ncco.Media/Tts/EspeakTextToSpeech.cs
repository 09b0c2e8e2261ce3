using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading.Channels;
using Ncco.Media.Native;
using Ncco.Media.Resampling;

namespace Ncco.Media.Tts;

/// <summary>
/// Text-to-speech with espeak-ng through P/Invoke. Synthesis streams: espeak-ng hands over audio every 60 ms of
/// speech while it works through the text, and each chunk is resampled (22.05 kHz → call rate) and yielded at once.
/// SSML (<c>&lt;speak&gt;</c>, <c>&lt;break&gt;</c>, <c>&lt;prosody&gt;</c>, <c>&lt;say-as&gt;</c>, <c>&lt;emphasis&gt;</c>, …) is passed to
/// espeak-ng's own SSML parser.
/// <para>
/// libespeak-ng keeps global state and is not re-entrant, so syntheses in one process are serialised through a single
/// process-wide gate (the only static state in this assembly, because the native library itself is global). espeak-ng
/// runs far faster than real time, so one synthesis at a time serves many calls; see bench/ for figures.
/// </para>
/// </summary>
public sealed class EspeakTextToSpeech : ITextToSpeech
{
    private static readonly SemaphoreSlim NativeGate = new(1, 1);
    private static readonly Lazy<int> NativeSampleRate = new(InitializeNative, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Creates the engine; throws at once when espeak-ng is missing (so the host fails at startup).</summary>
    /// <exception cref="NativeEngineMissingException">libespeak-ng1 or espeak-ng-data is not installed.</exception>
    public EspeakTextToSpeech()
    {
        NativeEngines.Espeak.EnsureAvailable();
        EngineSampleRate = NativeSampleRate.Value;
    }

    /// <inheritdoc />
    public string Name => "espeak-ng";

    /// <summary>espeak-ng's native output rate (22050 Hz).</summary>
    public int EngineSampleRate { get; }

    /// <inheritdoc />
    public async IAsyncEnumerable<ReadOnlyMemory<short>> SynthesizeAsync(TtsRequest request, int sampleRate, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Validate();
        var voice = EspeakVoiceMap.Resolve(request);
        var channel = Channel.CreateUnbounded<short[]>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var session = new Session(channel.Writer, new Resampler(EngineSampleRate, sampleRate), cancellationToken);
        var text = Encoding.UTF8.GetBytes(request.Text + "\0");
        var flags = EspeakNative.CharsUtf8 | (request.IsSsml ? EspeakNative.Ssml : 0);

        await NativeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        var worker = Task.Factory.StartNew(
            () => Run(session, voice, text, flags),
            CancellationToken.None,
            TaskCreationOptions.LongRunning | TaskCreationOptions.DenyChildAttach,
            TaskScheduler.Default);

        try
        {
            await foreach (var chunk in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return chunk;
            }
        }
        finally
        {
            session.Abort();
            await worker.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        await worker.ConfigureAwait(false); // surfaces synthesis errors
    }

    private static void Run(Session session, EspeakVoice voice, byte[] text, uint flags)
    {
        var handle = GCHandle.Alloc(session);
        try
        {
            if (EspeakNative.SetVoiceByName(voice.EspeakName) != 0 && EspeakNative.SetVoiceByName(voice.Voice) != 0)
            {
                throw new ArgumentException($"language '{voice.Language}' has no espeak-ng voice ('{voice.Voice}')", "Language");
            }
            int result;
            unsafe
            {
                fixed (byte* p = text)
                {
                    result = EspeakNative.Synth(p, (nuint)text.Length, 0, EspeakNative.PositionCharacter, 0, flags, null, GCHandle.ToIntPtr(handle));
                }
            }
            if (result != 0 && !session.IsAborted)
            {
                throw new InvalidOperationException($"espeak-ng synthesis failed with code {result}");
            }
            session.Complete(null);
        }
        catch (Exception ex)
        {
            session.Complete(ex);
            throw;
        }
        finally
        {
            handle.Free();
            NativeGate.Release();
        }
    }

    private static int InitializeNative()
    {
        var rate = EspeakNative.Initialize(EspeakNative.OutputSynchronous, 60, null, EspeakNative.InitializeDontExit);
        if (rate <= 0)
        {
            throw new NativeEngineMissingException("espeak-ng voice data", "espeak-ng-data", $"espeak_Initialize returned {rate}");
        }
        unsafe
        {
            EspeakNative.SetSynthCallback(&OnSynth);
        }
        return rate;
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static unsafe int OnSynth(short* wav, int count, byte* events)
    {
        if (events == null)
        {
            return 0;
        }
        var userData = *(nint*)(events + EspeakNative.UserDataOffset);
        if (userData == 0 || GCHandle.FromIntPtr(userData).Target is not Session session)
        {
            return 0;
        }
        if (session.IsAborted)
        {
            return 1;
        }
        if (wav != null && count > 0)
        {
            session.Push(new ReadOnlySpan<short>(wav, count));
        }
        return 0;
    }

    private sealed class Session(ChannelWriter<short[]> writer, Resampler resampler, CancellationToken cancellationToken)
    {
        private volatile bool _aborted;

        public bool IsAborted => _aborted || cancellationToken.IsCancellationRequested;

        public void Abort() => _aborted = true;

        public void Push(ReadOnlySpan<short> samples)
        {
            var output = new short[resampler.MaxOutputFor(samples.Length)];
            var n = resampler.Process(samples, output);
            if (n > 0)
            {
                writer.TryWrite(n == output.Length ? output : output[..n]);
            }
        }

        public void Complete(Exception? error)
        {
            if (error is null)
            {
                // Flush the resampler's filter delay with a little silence.
                Push(new short[resampler.InputRate / 50]);
            }
            writer.TryComplete(error);
        }
    }
}
