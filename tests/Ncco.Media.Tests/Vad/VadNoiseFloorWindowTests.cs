using Ncco.Media.Vad;

namespace Ncco.Media.Tests.Vad;

/// <summary>
/// The noise floor is the quietest of the last 150 frames plus 1 dB (never under −90 dBFS): kept incrementally, it must
/// equal a scan of those frames after every frame, whatever order levels come in (rising runs make the minimum leave
/// the window frame after frame; plateaus repeat it).
/// </summary>
public sealed class VadNoiseFloorWindowTests
{
    private static short[] Frame(double amplitude, Random random)
    {
        var frame = new short[160];
        for (var i = 0; i < frame.Length; i++) frame[i] = (short)Math.Clamp(amplitude * (random.NextDouble() - 0.5) * 2, short.MinValue, short.MaxValue);
        return frame;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void The_floor_after_every_frame_is_the_scanned_minimum_of_the_last_150_frames(int seed)
    {
        var random = new Random(seed);
        var vad = new VoiceActivityDetector();
        var levels = new List<double>();
        for (var f = 0; f < 2000; f++)
        {
            var amplitude = (f / 200) switch
            {
                0 => random.Next(0, 30000),           // anything
                1 => 10 + (f % 200 * 100),            // rising: the minimum leaves the window every frame
                2 => 3000,                            // a plateau of nearly equal levels
                3 => f % 2 == 0 ? 0 : 20000,          // digital silence between loud frames
                4 => 20000 - (f % 200 * 90),          // falling
                _ => random.Next(0, 4) == 0 ? random.Next(0, 100) : random.Next(1000, 30000),
            };
            vad.Process(Frame(amplitude, random));
            levels.Add(vad.LastFrameDbfs);
            var expected = Math.Max(-90, levels.TakeLast(150).Min() + 1);
            Assert.Equal(expected, vad.NoiseFloorDbfs);
        }
    }
}
