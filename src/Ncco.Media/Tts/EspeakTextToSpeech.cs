using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text;
using System.Threading.Channels;
using Ncco.Media.Native;
using Ncco.Media.Resampling;

namespace Ncco.Media.Tts;

/// <summary>
/// Text-to-speech with espeak-ng through P/Invoke. Synthesis streams: espeak-ng hands over audio every
/// <see cref="EspeakSynthesisThread.BufferMilliseconds"/> ms of speech while it works through the text, and each chunk is
/// resampled (22.05 kHz → call rate) and yielded at once, so a prompt's first audio is out as soon as its first clause is
/// spoken (well under a millisecond of engine time for a short prompt, see bench/Ncco.Media.Benchmarks/RESULTS.md).
/// SSML (<c>&lt;speak&gt;</c>, <c>&lt;break&gt;</c>, <c>&lt;prosody&gt;</c>, <c>&lt;say-as&gt;</c>, <c>&lt;emphasis&gt;</c>, …) is passed to
/// espeak-ng's own SSML parser.
/// <para>
/// libespeak-ng keeps global state and is not re-entrant, so syntheses in one process run one at a time on a single
/// long-lived thread (<see cref="EspeakSynthesisThread"/>). espeak-ng runs far faster
/// than real time, so one synthesis at a time serves many calls. <see cref="WarmUpAsync"/> loads voices and designs the
/// resampling filters before the first call needs them; the host warms the voices of <c>Ncco:Media:TtsWarmVoices</c>
/// at start.
/// </para>
/// </summary>
public sealed class EspeakTextToSpeech : ITextToSpeech
{
    private readonly EspeakSynthesisThread _thread;
    private readonly ConcurrentDictionary<int, Resampler> _resamplers = new(); // a designed filter per call rate

    /// <summary>Creates the engine; throws at once when espeak-ng is missing (so the host fails at startup).</summary>
    /// <exception cref="NativeEngineMissingException">libespeak-ng1 or espeak-ng-data is not installed.</exception>
    public EspeakTextToSpeech()
    {
        NativeEngines.Espeak.EnsureAvailable();
        _thread = EspeakSynthesisThread.Shared;
        EngineSampleRate = _thread.SampleRate;
    }

    /// <inheritdoc />
    public string Name => "espeak-ng";

    /// <summary>espeak-ng's native output rate (22050 Hz).</summary>
    public int EngineSampleRate { get; }

    /// <summary>
    /// Makes the first prompts in the given voices start fast: synthesises a word in each (reading its voice and
    /// dictionary files into memory, compiling the code paths) at each of <paramref name="sampleRates"/> (designing the
    /// resampling filter once per rate), so no call pays for a cold start. espeak-ng holds one voice at a time; the
    /// others reload from memory in well under a millisecond (see the bench).
    /// </summary>
    /// <exception cref="ArgumentException">A request names a language espeak-ng has no voice for.</exception>
    public async Task WarmUpAsync(IEnumerable<TtsRequest> voices, IEnumerable<int> sampleRates, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(voices);
        ArgumentNullException.ThrowIfNull(sampleRates);
        foreach (var rate in sampleRates)
        {
            foreach (var voice in voices)
            {
                await foreach (var _ in SynthesizeAsync(voice with { Text = "ok" }, rate, cancellationToken).ConfigureAwait(false))
                {
                }
            }
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ReadOnlyMemory<short>> SynthesizeAsync(TtsRequest request, int sampleRate, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Validate();
        var voice = EspeakVoiceMap.Resolve(request);
        var resampler = _resamplers.GetOrAdd(sampleRate, static (rate, engineRate) => new Resampler(engineRate, rate), EngineSampleRate).NewStream();
        // Synchronous continuations: the reader's next step runs on the synthesis thread as a chunk is written, instead
        // of waiting for a thread-pool thread (the hop that dominated time to first audio on a busy machine). Readers
        // only copy or queue a chunk before they await again, so synthesis is not held up.
        var channel = Channel.CreateUnbounded<short[]>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true, AllowSynchronousContinuations = true });
        var session = new EspeakSession(channel.Writer, resampler, cancellationToken);
        var text = Encoding.UTF8.GetBytes(request.Text + "\0");
        var flags = EspeakNative.CharsUtf8 | (request.IsSsml ? EspeakNative.Ssml : 0);
        var job = new EspeakJob(session, voice, text, flags);
        _thread.Enqueue(job);

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
            await job.Completion.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        await job.Completion.ConfigureAwait(false); // surfaces synthesis errors
    }
}
