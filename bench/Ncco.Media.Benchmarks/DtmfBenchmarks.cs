using BenchmarkDotNet.Attributes;
using Ncco.Media.Dtmf;

namespace Ncco.Media.Benchmarks;

/// <summary>DTMF detection cost per 20 ms frame.</summary>
[MemoryDiagnoser]
public class DtmfBenchmarks
{
    private readonly DtmfDetection[] _found = new DtmfDetection[8];
    private DtmfDetector _detector = null!;
    private short[] _audio = null!;
    private int _position;

    [Params(8000, 16000)]
    public int Rate { get; set; }

    /// <summary>True: tone powers from Complex.Magnitude (Hypot) only, the detector before the re² + im² powers.</summary>
    [Params(false, true)]
    public bool HypotOnly { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _detector = new DtmfDetector(Rate) { ExactPowers = HypotOnly };
        _audio = new DtmfGenerator(Rate).Generate("0123456789*#");
    }

    [Benchmark(Description = "detect 20 ms frame")]
    public int Frame()
    {
        var n = Rate / 50;
        if (_position + n > _audio.Length)
        {
            _position = 0;
        }
        var r = _detector.Process(_audio.AsSpan(_position, n), _found);
        _position += n;
        return r;
    }
}
