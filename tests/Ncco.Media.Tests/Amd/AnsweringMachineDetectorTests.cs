using Ncco.Media.Amd;
using Ncco.Media.Dtmf;
using Ncco.Media.Tests.Support;
using Ncco.Media.Wav;

namespace Ncco.Media.Tests.Amd;

public class AnsweringMachineDetectorTests
{
    private static short[] Speech(string text, string name, string voice = "en-us") => WavReader.ReadAll(Tools.EspeakWav(text, 8000, voice, name)).Samples;

    private static List<AmdEvent> Run(short[] audio, AmdOptions? options = null)
    {
        var amd = new AnsweringMachineDetector(8000, options);
        var events = new List<AmdEvent>();
        for (var i = 0; i + 160 <= audio.Length && !amd.IsDone; i += 160)
        {
            if (amd.Process(audio.AsSpan(i, 160)) is { } e)
            {
                events.Add(e);
            }
        }
        return events;
    }

    private static short[] Silence(double s) => new short[(int)(s * 8000)];

    [Theory]
    [InlineData("Hello?", "en-us")]
    [InlineData("Yes, hello.", "en-us+f3")]
    [InlineData("Hallo?", "de")]
    public void Short_greeting_then_silence_is_human(string greeting, string voice)
    {
        var audio = Silence(0.4).Concat(Speech(greeting, "amd-h-" + voice.Replace('+', '_') + greeting.Length, voice)).Concat(Silence(3)).ToArray();
        var e = Assert.Single(Run(audio));
        Assert.Equal(AmdVerdict.Human, e.Verdict);
        Assert.Equal("short_greeting", e.Reason);
    }

    [Fact]
    public void Voicemail_greeting_is_a_machine_and_the_beep_is_found()
    {
        var greeting = Speech("Hi, you have reached the voicemail of John Smith. I cannot take your call right now. Please leave a message after the tone.", "amd-vm");
        var beep = Signals.Sine(1000, 8000, 4000, 12000);
        var audio = Silence(0.3).Concat(greeting).Concat(Silence(0.5)).Concat(beep).Concat(Silence(1)).ToArray();
        var events = Run(audio);
        Assert.Equal(2, events.Count);
        Assert.Equal(AmdVerdict.Machine, events[0].Verdict);
        Assert.Contains(events[0].Reason, new[] { "long_greeting", "too_many_words" });
        Assert.True(events[1].IsBeep);
        var beepStart = (0.3 * 8000) + greeting.Length + (0.5 * 8000);
        Assert.InRange(events[1].AtSample, beepStart - 160, beepStart + 800);
    }

    [Fact]
    public void Long_initial_silence_is_a_machine_and_beep_times_out()
    {
        var options = AmdOptions.Default with { BeepTimeout = TimeSpan.FromSeconds(2) };
        var events = Run(Silence(6), options);
        Assert.Equal(2, events.Count);
        Assert.Equal("initial_silence", events[0].Reason);
        Assert.True(events[1].IsBeepTimeout);
    }

    [Fact]
    public void Beep_detector_ignores_speech_and_dtmf()
    {
        var text = "Thank you for calling. Please say or press one for sales, two for support. Your call is important to us. " +
                   "The quick brown fox jumps over the lazy dog. Oooh, aaah, mmmm, eeeee.";
        foreach (var voice in new[] { "en-us", "en-us+f3", "fr-fr" })
        {
            var d = new BeepDetector(8000);
            var speech = Speech(text, "beep-talkoff-" + voice.Replace('+', '_'), voice);
            for (var i = 0; i + 160 <= speech.Length; i += 160)
            {
                Assert.False(d.Process(speech.AsSpan(i, 160)), $"{voice}: false beep at {i / 8000.0:F2} s");
            }
        }
        var dtmf = new DtmfGenerator(8000, DtmfGeneratorOptions.Default with { ToneDuration = TimeSpan.FromMilliseconds(400) }).Generate("1590#");
        var detector = new BeepDetector(8000);
        for (var i = 0; i + 160 <= dtmf.Length; i += 160)
        {
            Assert.False(detector.Process(dtmf.AsSpan(i, 160)));
        }
        var tone = new BeepDetector(8000);
        var beep = Signals.Sine(440, 8000, 1600, 3000);
        Assert.Contains(true, Enumerable.Range(0, 10).Select(f => tone.Process(beep.AsSpan(f * 160, 160))));
        Assert.Equal(450, tone.Frequency!.Value, 0); // nearest 25 Hz bin
    }
}
