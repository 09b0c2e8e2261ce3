using Ncco.Media.Asr;
using Ncco.Media.Tests.Support;
using Ncco.Media.Wav;
using static Ncco.Tests.Shared.TestSignals;

namespace Ncco.Media.Tests.Asr;

public class SpeechEndpointerTests
{
    private static short[] Speech(string text, string name) => WavReader.ReadAll(Tools.EspeakWav(text, 8000, "en-us", name)).Samples;

    private static (string? Reason, double Seconds, long? Start) Run(AsrSettings settings, short[] audio)
    {
        var e = new SpeechEndpointer(settings, 8000);
        for (var i = 0; i + 160 <= audio.Length; i += 160)
        {
            if (e.Process(audio.AsSpan(i, 160)))
            {
                return (e.Reason, (i + 160) / 8000.0, e.SpeechStart);
            }
        }
        return (null, audio.Length / 8000.0, e.SpeechStart);
    }

    [Fact]
    public void Start_timeout_when_nothing_is_said()
    {
        var (reason, seconds, _) = Run(new AsrSettings(StartTimeout: 3), Noise(5, 30));
        Assert.Equal(SpeechTimeoutReason.StartTimeout, reason);
        Assert.Equal(3.0, seconds, 2);
    }

    [Fact]
    public void End_on_silence_after_speech_in_background_noise()
    {
        var speech = Speech("I would like to pay my bill please", "ep-bill");
        var lead = Noise(1, 40);
        var audio = lead.Concat(speech.Select((s, i) => (short)Math.Clamp(s + lead[i % lead.Length], short.MinValue, short.MaxValue))).Concat(Noise(4, 40)).ToArray();
        var (reason, seconds, start) = Run(new AsrSettings(EndOnSilence: 1.5), audio);
        Assert.Equal(SpeechTimeoutReason.EndOnSilence, reason);
        Assert.InRange(start!.Value / 8000.0, 0.8, 1.3);
        var speechEnd = 1 + (speech.Length / 8000.0);
        Assert.InRange(seconds, speechEnd + 1.0, speechEnd + 2.2);
    }

    [Fact]
    public void A_word_whose_pitch_glides_mid_vowel_is_one_run_of_voice_and_confirmed_as_speech()
    {
        // See SpeechGateTests.GlidingYes: one frame mid-vowel has no clear pitch over 40 ms, but has it over 20 ms.
        var word = SpeechGateTests.GlidingYes();
        var audio = new short[8000].Concat(word).Concat(new short[32000]).ToArray();
        var vad = new Ncco.Media.Vad.VoiceActivityDetector(90, ignoreDigitalSilence: true, requireVoicing: true);
        var longest = 0;
        for (var i = 0; i + 320 <= audio.Length; i += 320)
        {
            vad.Process(audio.AsSpan(i, 320));
            longest = Math.Max(longest, vad.VoicedRun);
        }
        var endpointer = new SpeechEndpointer(new AsrSettings(StartTimeout: 5, EndOnSilence: 1), 16000);
        var frames = 0;
        while (!endpointer.Process(audio.AsSpan(frames * 320, 320))) frames++;

        Assert.True(longest > SpeechEndpointer.MinVoicedFrames, $"longest run of one pitch: {longest} frames");
        Assert.Equal(SpeechTimeoutReason.EndOnSilence, endpointer.Reason);
        Assert.Equal(0, endpointer.Rejected);
        // Onset a little before the word starts at 0.5 s (the VAD dates it back two frames).
        Assert.InRange(endpointer.SpeechStart!.Value / 16000.0, 0.45, 0.65);
    }

    [Fact]
    public void Max_duration_cuts_a_long_utterance()
    {
        var speech = Speech(string.Join(' ', Enumerable.Repeat("this caller just keeps on talking without a pause", 4)), "ep-long");
        var (reason, seconds, start) = Run(new AsrSettings(MaxDuration: 3, EndOnSilence: 2), speech);
        Assert.Equal(SpeechTimeoutReason.MaxDuration, reason);
        Assert.InRange(seconds - (start!.Value / 8000.0), 2.9, 3.1);
    }

    [Fact]
    public void Low_sensitivity_ignores_quiet_speech_that_high_sensitivity_hears()
    {
        var quiet = Speech("hello", "ep-quiet").Select(s => (short)(s / 40)).ToArray();
        var audio = new short[8000].Concat(quiet).Concat(new short[8000 * 3]).ToArray();
        Assert.Equal(SpeechTimeoutReason.EndOnSilence, Run(new AsrSettings(StartTimeout: 3, Sensitivity: 100), audio).Reason);
        Assert.Equal(SpeechTimeoutReason.StartTimeout, Run(new AsrSettings(StartTimeout: 3, Sensitivity: 10), audio).Reason);
    }

    [Fact]
    public void Settings_are_validated_with_the_field_name()
    {
        Assert.Equal("EndOnSilence", Assert.Throws<ArgumentException>(() => new AsrSettings(EndOnSilence: 0.1).Validate()).ParamName);
        Assert.Equal("StartTimeout", Assert.Throws<ArgumentException>(() => new AsrSettings(StartTimeout: 61).Validate()).ParamName);
        Assert.Equal("MaxDuration", Assert.Throws<ArgumentException>(() => new AsrSettings(MaxDuration: 0).Validate()).ParamName);
    }

    [Fact]
    public void Breaths_and_room_noise_pumped_by_gain_control_are_not_speech()
    {
        var audio = Noise(1, 60).Concat(Breath(1)).Concat(PumpedNoise(2, 2)).Concat(Breath(3)).Concat(PumpedNoise(3, 4)).ToArray();

        var (reason, seconds, start) = Run(new AsrSettings(StartTimeout: 5, EndOnSilence: 1), audio);

        Assert.Equal(SpeechTimeoutReason.StartTimeout, reason);
        Assert.Null(start);
        Assert.InRange(seconds, 4.9, 5.1);
        // An energy detector alone hears the breath as speech: voicing is what tells them apart.
        var energyOnly = new Ncco.Media.Vad.VoiceActivityDetector(90, ignoreDigitalSilence: true);
        var heard = false;
        for (var i = 0; i + 160 <= audio.Length; i += 160) heard |= energyOnly.Process(audio.AsSpan(i, 160));
        Assert.True(heard);
    }

    [Fact]
    public void A_word_after_a_breath_starts_at_the_word_and_the_pumped_noise_after_it_is_silence()
    {
        var yes = Speech("yes", "ep-yes");
        var lead = Noise(1, 60).Concat(Breath(5)).Concat(PumpedNoise(1, 6)).ToArray();
        var audio = lead.Concat(yes).Concat(PumpedNoise(4, 7)).ToArray();

        var (reason, seconds, start) = Run(new AsrSettings(StartTimeout: 5, EndOnSilence: 1), audio);

        Assert.Equal(SpeechTimeoutReason.EndOnSilence, reason);
        // Speech starts at the word (espeak leaves a few ms of silence before it), not at the breath 1.6 s earlier.
        Assert.InRange(start!.Value / 8000.0, (lead.Length / 8000.0) - 0.1, (lead.Length + yes.Length) / 8000.0);
        // And ends about endOnSilence after the word, not when the raised noise has died down.
        Assert.True(seconds < ((lead.Length + yes.Length) / 8000.0) + 1.8, $"{seconds} s");
    }
}
