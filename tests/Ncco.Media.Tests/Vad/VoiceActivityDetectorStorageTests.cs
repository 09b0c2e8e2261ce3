using Ncco.Media.Vad;

namespace Ncco.Media.Tests.Vad;

public sealed class VoiceActivityDetectorStorageTests
{
    [Fact]
    public void Level_history_is_born_old_and_the_detector_still_tells_a_tone_from_silence()
    {
        // One per leg for the leg's whole life: on the pinned object heap it is gen2 from the start, so the young
        // collections during call setup have nothing of it to copy (issue 19).
        var vad = new VoiceActivityDetector(90);
        Assert.Equal(GC.MaxGeneration, GC.GetGeneration(vad.HistoryStorage));

        var silence = new short[160];
        for (var i = 0; i < 100; i++) Assert.False(vad.Process(silence));
        var tone = Enumerable.Range(0, 160).Select(i => (short)(8000 * Math.Sin(2 * Math.PI * 440 * i / 8000))).ToArray();
        var heard = false;
        for (var i = 0; i < 20; i++) heard |= vad.Process(tone);
        Assert.True(heard);
    }
}
