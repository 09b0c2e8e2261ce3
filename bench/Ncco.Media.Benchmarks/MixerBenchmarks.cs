using BenchmarkDotNet.Attributes;
using Ncco.Media.Mixing;

namespace Ncco.Media.Benchmarks;

/// <summary>One 20 ms tick of an N-party conference (every participant talking).</summary>
[MemoryDiagnoser]
public class MixerBenchmarks
{
    private ConferenceMixer _mixer = null!;
    private short[] _frame = null!;

    [Params(8000, 16000)]
    public int Rate { get; set; }

    [Params(10, 50, 500)]
    public int Parties { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _mixer = new ConferenceMixer(Rate);
        _mixer.Start();
        for (var i = 0; i < Parties; i++)
        {
            _mixer.Join("p" + i);
        }
        _frame = new short[Rate / 50];
        for (var i = 0; i < _frame.Length; i++)
        {
            _frame[i] = (short)(3000 * Math.Sin(i * 0.2));
        }
    }

    [Benchmark(Description = "mix one tick")]
    public void Tick()
    {
        foreach (var p in _mixer.Participants)
        {
            p.WriteInput(_frame);
        }
        _mixer.Mix();
    }
}
