using BenchmarkDotNet.Attributes;
using Ncco.Media.G711;

namespace Ncco.Media.Benchmarks;

[MemoryDiagnoser]
public class G711Benchmarks
{
    private readonly short[] _pcm = new short[160];
    private readonly byte[] _encoded = new byte[160];

    [GlobalSetup]
    public void Setup()
    {
        for (var i = 0; i < _pcm.Length; i++)
        {
            _pcm[i] = (short)(10000 * Math.Sin(i * 0.3));
        }
        MuLaw.Encode(_pcm, _encoded);
    }

    [Benchmark(Description = "mu-law encode 20 ms @8k")]
    public void MuLawEncode() => MuLaw.Encode(_pcm, _encoded);

    [Benchmark(Description = "mu-law decode 20 ms @8k")]
    public void MuLawDecode() => MuLaw.Decode(_encoded, _pcm);

    [Benchmark(Description = "A-law encode 20 ms @8k")]
    public void ALawEncode() => ALaw.Encode(_pcm, _encoded);

    [Benchmark(Description = "A-law decode 20 ms @8k")]
    public void ALawDecode() => ALaw.Decode(_encoded, _pcm);
}
