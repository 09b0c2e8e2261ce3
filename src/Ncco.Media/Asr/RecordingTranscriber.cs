using Ncco.Media.Resampling;
using Ncco.Media.Vad;

namespace Ncco.Media.Asr;

/// <summary>
/// Transcribes a finished recording, channel by channel: a voice-activity detector cuts each channel into stretches of
/// speech at pauses of <see cref="PauseSeconds"/> or more, and each stretch is recognised as one utterance by an
/// <see cref="ISpeechRecognizer"/>. Stretch times are measured; the recogniser gives no word alignment, so word times
/// split their stretch in proportion to word length (an estimate, documented as such in the transcript contract).
/// </summary>
public sealed class RecordingTranscriber(ISpeechRecognizer recognizer)
{
    /// <summary>Silence that separates two sentences.</summary>
    public const double PauseSeconds = 0.6;

    private const int Rate = 16000;
    private const int Frame = Rate / 50;
    private const double PadSeconds = 0.2;
    private const double ShortestSpeechSeconds = 0.15;

    /// <summary>
    /// Transcribes <paramref name="samples"/> (<paramref name="channels"/> interleaved channels at
    /// <paramref name="sampleRate"/>) in <paramref name="language"/>.
    /// </summary>
    /// <exception cref="NotSupportedException">The recogniser has no model for <paramref name="language"/>.</exception>
    public async Task<IReadOnlyList<TranscriptChannel>> TranscribeAsync(short[] samples, int sampleRate, int channels, string language, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        var result = new List<TranscriptChannel>(channels);
        for (var c = 0; c < channels; c++)
        {
            var mono = To16k(Channel(samples, channels, c), sampleRate);
            var sentences = new List<TranscriptSentence>();
            foreach (var (start, length) in Stretches(mono))
            {
                cancellationToken.ThrowIfCancellationRequested();
                var sentence = await RecogniseAsync(mono.AsMemory(start, length), start, language, cancellationToken).ConfigureAwait(false);
                if (sentence is not null) sentences.Add(sentence);
            }
            result.Add(new TranscriptChannel(sentences, Seconds(mono.Length)));
        }
        return result;
    }

    private async Task<TranscriptSentence?> RecogniseAsync(ReadOnlyMemory<short> audio, int offset, string language, CancellationToken cancellationToken)
    {
        var stream = await recognizer.StartAsync(new AsrSettings(language, EndOnSilence: 10, MaxDuration: 60), Rate, cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            for (var i = 0; i < audio.Length; i += Frame) stream.Write(audio.Span.Slice(i, Math.Min(Frame, audio.Length - i)));
            var hypotheses = await stream.FinishAsync(cancellationToken).ConfigureAwait(false);
            if (hypotheses.Count == 0 || string.IsNullOrWhiteSpace(hypotheses[0].Text)) return null;
            var best = hypotheses[0];
            var start = Seconds(offset);
            var duration = Seconds(audio.Length);
            return new TranscriptSentence(best.Text, start, duration, best.Confidence, Words(best, start, duration));
        }
    }

    private static List<TranscriptWord> Words(SpeechAlternative best, TimeSpan start, TimeSpan duration)
    {
        var words = best.Text.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var letters = words.Sum(w => w.Length);
        var list = new List<TranscriptWord>(words.Length);
        var at = start;
        foreach (var w in words)
        {
            var length = duration * ((double)w.Length / letters);
            list.Add(new TranscriptWord(w, at, at + length, best.Confidence));
            at += length;
        }
        return list;
    }

    /// <summary>Speech stretches as (start, length) in samples, padded and merged across short pauses.</summary>
    private static List<(int Start, int Length)> Stretches(short[] mono)
    {
        var vad = new VoiceActivityDetector();
        var frames = mono.Length / Frame;
        var voiced = new bool[frames];
        for (var f = 0; f < frames; f++) voiced[f] = vad.Process(mono.AsSpan(f * Frame, Frame));

        var pause = (int)(PauseSeconds * 50);
        var pad = (int)(PadSeconds * 50);
        var stretches = new List<(int Start, int Length)>();
        var f0 = -1;
        var lastVoiced = -1;
        for (var f = 0; f <= frames; f++)
        {
            var v = f < frames && voiced[f];
            if (v)
            {
                if (f0 < 0) f0 = f;
                lastVoiced = f;
                continue;
            }
            if (f0 >= 0 && (f == frames || f - lastVoiced > pause))
            {
                if ((lastVoiced - f0 + 1) / 50.0 >= ShortestSpeechSeconds)
                {
                    var from = Math.Max(0, f0 - pad);
                    var to = Math.Min(frames, lastVoiced + 1 + pad);
                    stretches.Add((from * Frame, (to - from) * Frame));
                }
                f0 = -1;
            }
        }
        return stretches;
    }

    private static short[] Channel(short[] samples, int channels, int channel)
    {
        if (channels == 1) return samples;
        var mono = new short[samples.Length / channels];
        for (var i = 0; i < mono.Length; i++) mono[i] = samples[(i * channels) + channel];
        return mono;
    }

    private static short[] To16k(short[] mono, int sampleRate)
    {
        if (sampleRate == Rate) return mono;
        var resampler = new Resampler(sampleRate, Rate);
        var output = new short[resampler.MaxOutputFor(mono.Length)];
        var n = resampler.Process(mono, output);
        return output.AsSpan(0, n).ToArray();
    }

    private static TimeSpan Seconds(int samples) => TimeSpan.FromSeconds(samples / (double)Rate);
}
