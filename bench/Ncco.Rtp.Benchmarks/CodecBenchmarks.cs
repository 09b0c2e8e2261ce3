using BenchmarkDotNet.Attributes;
using Ncco.Rtp.Codecs;

namespace Ncco.Rtp.Benchmarks;

/// <summary>Encode and decode of one 20 ms frame per codec (G.711: 160 samples, G.722: 320 samples at 16 kHz).</summary>
[MemoryDiagnoser]
public class CodecBenchmarks
{
    private IAudioCodec _codec = null!;
    private short[] _pcm = null!;
    private readonly byte[] _encoded = new byte[160];
    private short[] _decoded = null!;

    [Params("PCMU", "PCMA", "G722")]
    public string Codec { get; set; } = "PCMU";

    [GlobalSetup]
    public void Setup()
    {
        _codec = AudioCodecs.Create(Codec)!;
        _pcm = new short[_codec.SamplesPerFrame];
        for (var i = 0; i < _pcm.Length; i++)
        {
            _pcm[i] = (short)(8000 * Math.Sin(2 * Math.PI * 440 * i / _codec.SampleRate));
        }
        _decoded = new short[_codec.SamplesPerFrame];
        _codec.Encode(_pcm, _encoded);
    }

    [Benchmark(Description = "encode 20 ms")]
    public int Encode() => _codec.Encode(_pcm, _encoded);

    [Benchmark(Description = "decode 20 ms")]
    public int Decode() => _codec.Decode(_encoded, _decoded);
}
