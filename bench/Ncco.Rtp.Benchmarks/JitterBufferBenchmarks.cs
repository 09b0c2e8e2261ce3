using BenchmarkDotNet.Attributes;
using Ncco.Rtp.Jitter;

namespace Ncco.Rtp.Benchmarks;

/// <summary>One packet in and one frame out, as each 20 ms of a call does.</summary>
[MemoryDiagnoser]
public class JitterBufferBenchmarks
{
    private readonly JitterBuffer _buffer = new();
    private readonly byte[] _payload = new byte[160];
    private readonly byte[] _out = new byte[1200];
    private ushort _sequence;

    [GlobalSetup]
    public void Setup()
    {
        for (var i = 0; i < 3; i++)
        {
            Push();
        }
    }

    [Benchmark(Description = "jitter buffer push + pop")]
    public int PushPop()
    {
        Push();
        return _buffer.Pop(_out).PayloadLength;
    }

    private void Push()
    {
        var s = _sequence++;
        _buffer.Push(_payload, s, (uint)(s * 160), 1, 0, false, (uint)(s * 160));
    }
}
